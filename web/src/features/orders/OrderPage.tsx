import { ArrowLeftOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, Descriptions, Flex, Space, Table, Tag, Tooltip, Typography, type TableColumnsType } from "antd";
import type { HTMLAttributes } from "react";
import { Link, useParams } from "react-router";
import { api, ApiError, unwrap, type Schemas } from "../../api/client";
import { NotFound, QueryState } from "../../components/QueryState";
import { useMessages } from "../../i18n";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useDealer } from "../../session";
import { useCustomerDirectory } from "../inbox/customers";
import { shortId, units } from "./api";
import { orderMessages } from "./messages";

type Order = Schemas["OrderResponse"];
type Line = Schemas["OrderLineResponse"];

export default function OrderPage() {
  const { id = "" } = useParams();
  const m = useMessages(orderMessages);
  const { timeZone } = useDealer();
  const customers = useCustomerDirectory();
  const query = useQuery({
    queryKey: ["order", id],
    queryFn: () => unwrap(api.GET("/v1/orders/{id}", { params: { path: { id } } })),
  });

  if (query.error instanceof ApiError && query.error.status === 400) return <NotFound />;

  return (
    <Flex vertical gap={12}>
      <Flex align="center" gap={12}>
        <Link to="/orders">
          <Button type="text" icon={<ArrowLeftOutlined />}>
            {m.back}
          </Button>
        </Link>
      </Flex>
      <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
        {() => {
          const order = query.data as Order;
          const customerName = customers.names.get(order.customer_id) ?? (customers.loading ? "" : m.unknownCustomer);
          const counted = units(order);
          return (
            <Flex vertical gap={12}>
              <Flex justify="space-between" align="center" wrap gap={8}>
                <Space align="center">
                  <Typography.Title level={4} style={{ margin: 0 }}>
                    {m.title} <Typography.Text code>{shortId(order.id)}</Typography.Text> · {customerName}
                  </Typography.Title>
                </Space>
                <Space wrap>
                  <Link to={`/quotes/${order.quote_id}`} data-testid="order-open-quote">
                    <Button>{m.openQuote}</Button>
                  </Link>
                  <Link to={`/inquiries/${order.inquiry_id}`} data-testid="order-open-inquiry">
                    <Button>{m.openInquiry}</Button>
                  </Link>
                </Space>
              </Flex>
              <Card size="small">
                <Descriptions
                  size="small"
                  column={{ xs: 1, md: 2, xl: 3 }}
                  items={[
                    {
                      key: "customer",
                      label: m.customer,
                      children: <Link to={`/customers/${order.customer_id}`}>{customerName || order.customer_id}</Link>,
                    },
                    { key: "placed", label: m.placed, children: formatDateTime(order.created_at, timeZone) },
                    {
                      key: "total",
                      label: m.total,
                      children: (
                        <Typography.Text strong data-testid="order-total">
                          {formatMoney(order.total, order.currency)}
                        </Typography.Text>
                      ),
                    },
                    { key: "lines", label: m.lines, children: order.lines.length },
                    { key: "units", label: m.units, children: counted.units },
                    {
                      key: "backorder",
                      label: (
                        <Tooltip title={m.backorderHint}>
                          <span>{m.backorder}</span>
                        </Tooltip>
                      ),
                      children: counted.backorder > 0 ? <Tag color="orange">{counted.backorder}</Tag> : "—",
                    },
                    {
                      key: "quote",
                      label: m.quote,
                      children: <Link to={`/quotes/${order.quote_id}`}>{shortId(order.quote_id)}</Link>,
                    },
                    { key: "currency", label: m.currency, children: order.currency },
                  ]}
                />
              </Card>
              <OrderLines order={order} />
            </Flex>
          );
        }}
      </QueryState>
    </Flex>
  );
}

function OrderLines({ order }: { order: Order }) {
  const m = useMessages(orderMessages);
  const columns: TableColumnsType<Line> = [
    { key: "position", title: m.position, width: 48, render: (_, _l, i) => i + 1 },
    {
      key: "part",
      title: m.part,
      render: (_, l) => (
        <span>
          {l.brand ? <Tag>{l.brand}</Tag> : null}
          {l.name}
        </span>
      ),
    },
    { key: "sku", title: m.sku, width: 160, render: (_, l) => <Typography.Text code>{l.sku}</Typography.Text> },
    { key: "quantity", title: m.quantity, width: 80, align: "right", dataIndex: "quantity" },
    {
      key: "backorder",
      title: m.backorderColumn,
      width: 90,
      align: "right",
      render: (_, l) => (l.backorder_quantity > 0 ? <Typography.Text type="warning">{l.backorder_quantity}</Typography.Text> : "—"),
    },
    { key: "price", title: m.unitPrice, width: 120, align: "right", render: (_, l) => formatMoney(l.unit_price, order.currency) },
    { key: "total", title: m.lineTotal, width: 130, align: "right", render: (_, l) => formatMoney(l.line_total, order.currency) },
  ];
  return (
    <Table<Line>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={order.lines}
      pagination={false}
      scroll={{ x: 800 }}
      onRow={(l) => ({ "data-testid": `order-line-${l.id}` }) as HTMLAttributes<HTMLElement>}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0} colSpan={columns.length - 1} align="right">
            <Typography.Text strong>{m.total}</Typography.Text>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={1} align="right">
            <Typography.Text strong>{formatMoney(order.total, order.currency)}</Typography.Text>
          </Table.Summary.Cell>
        </Table.Summary.Row>
      )}
    />
  );
}
