import { ArrowLeftOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Flex,
  Space,
  Table,
  Tag,
  Timeline,
  Tooltip,
  Typography,
  type TableColumnsType,
} from "antd";
import type { HTMLAttributes } from "react";
import { Link, useParams } from "react-router";
import { api, ApiError, unwrap, type Schemas } from "../../api/client";
import { NotFound, QueryState } from "../../components/QueryState";
import { useMessages } from "../../i18n";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useDealer, usePermissions } from "../../session";
import { useCustomerDirectory } from "../inbox/customers";
import { shortId, units } from "./api";
import { orderMessages } from "./messages";
import { OrderActions } from "./OrderActions";
import { OrderStatusTag } from "./status";
import { returnMessages } from "../returns/messages";
import { ReturnStatusTag } from "../returns/ReturnStatusTag";

type Order = Schemas["OrderResponse"];
type Line = Schemas["OrderLineResponse"];
type Shipment = Schemas["ShipmentResponse"];

export default function OrderPage() {
  const { id = "" } = useParams();
  const m = useMessages(orderMessages);
  const { timeZone } = useDealer();
  const { canSell } = usePermissions();
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
                  <OrderStatusTag status={order.status} testId="order-status" />
                </Space>
                <Space wrap>
                  {canSell ? <OrderActions order={order} /> : null}
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
              {order.cancel_reason ? (
                <Alert
                  type="warning"
                  showIcon
                  title={`${order.status === "cancelled" ? m.cancelReason : m.restCancelReason}：${order.cancel_reason}`}
                  data-testid="order-cancel-reason"
                />
              ) : null}
              <OrderLines order={order} />
              <Shipments order={order} />
              <OrderReturns orderId={order.id} />
              {order.timeline && order.timeline.length > 0 ? (
                <Card size="small" title={m.timeline}>
                  <Timeline
                    data-testid="order-timeline"
                    items={order.timeline.map((entry, i) => ({
                      key: i,
                      color: stepColor(entry.step),
                      content: (
                        <span data-step={entry.step}>
                          {m[`step_${entry.step}`]} · {formatDateTime(entry.at, timeZone)}
                        </span>
                      ),
                    }))}
                  />
                </Card>
              ) : null}
            </Flex>
          );
        }}
      </QueryState>
    </Flex>
  );
}

/** Red for what went wrong (cancelled, a return), green for what arrived or was made right. */
function stepColor(step: Schemas["TimelineStep"]): string {
  switch (step) {
    case "cancelled":
    case "rest_cancelled":
    case "return_requested":
    case "return_rejected":
      return "red";
    case "delivered":
    case "return_resolved":
      return "green";
    default:
      return "blue";
  }
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
    { key: "sku", title: m.sku, width: 140, render: (_, l) => <Typography.Text code>{l.sku}</Typography.Text> },
    { key: "quantity", title: m.quantity, width: 70, align: "right", dataIndex: "quantity" },
    { key: "reserved", title: m.reservedColumn, width: 80, align: "right", render: (_, l) => l.reserved_quantity || "—" },
    {
      key: "backorder",
      title: m.backorderColumn,
      width: 80,
      align: "right",
      render: (_, l) => (l.backorder_quantity > 0 ? <Typography.Text type="warning">{l.backorder_quantity}</Typography.Text> : "—"),
    },
    { key: "dispatched", title: m.dispatchedColumn, width: 70, align: "right", render: (_, l) => l.dispatched_quantity || "—" },
    { key: "delivered", title: m.deliveredColumn, width: 70, align: "right", render: (_, l) => l.delivered_quantity || "—" },
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

function Shipments({ order }: { order: Order }) {
  const m = useMessages(orderMessages);
  const { timeZone } = useDealer();
  const lineNames = new Map(order.lines.map((l) => [l.id, l.name]));
  const columns: TableColumnsType<Shipment> = [
    { key: "at", title: m.dispatchedAt, width: 150, render: (_, s) => formatDateTime(s.dispatched_at, timeZone) },
    {
      key: "via",
      title: m.via,
      render: (_, s) =>
        s.carrier ? (
          <span>
            {s.carrier} {s.tracking_number ? <Typography.Text code>{s.tracking_number}</Typography.Text> : null}
          </span>
        ) : (
          <span>
            {s.driver_name ?? ""} {s.driver_phone ?? ""}
          </span>
        ),
    },
    {
      key: "lines",
      title: m.part,
      render: (_, s) => s.lines.map((l) => `${lineNames.get(l.order_line_id) ?? ""} ×${l.quantity}`).join("，"),
    },
    { key: "promised", title: m.promisedAt, width: 150, render: (_, s) => formatDateTime(s.promised_at, timeZone) },
    {
      key: "delivered",
      title: m.deliveredColumn,
      width: 190,
      render: (_, s) =>
        s.delivered_at ? (
          <span>
            {formatDateTime(s.delivered_at, timeZone)} · {s.received_by}
          </span>
        ) : (
          <Tag color="cyan">{m.notDelivered}</Tag>
        ),
    },
  ];
  return (
    <Card size="small" title={m.shipments}>
      <Table<Shipment>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={order.shipments}
        pagination={false}
        scroll={{ x: 800 }}
        locale={{ emptyText: m.noShipments }}
        onRow={(s) => ({ "data-testid": `order-shipment-${s.id}` }) as HTMLAttributes<HTMLElement>}
      />
    </Card>
  );
}

/** The shop's returns of this order, if any (a card only when there are some). */
function OrderReturns({ orderId }: { orderId: string }) {
  const m = useMessages(returnMessages);
  const { timeZone } = useDealer();
  const returns = useQuery({
    queryKey: ["returns", "order", orderId],
    queryFn: () => unwrap(api.GET("/v1/returns", { params: { query: { order_id: orderId, limit: 50 } } })),
  });
  const items = returns.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Card size="small" title={m.orderReturns}>
      <Flex vertical gap={8}>
        {items.map((r) => (
          <Space key={r.id} wrap data-testid={`order-return-${r.id}`}>
            <Link to={`/returns/${r.id}`}>{shortId(r.id)}</Link>
            <ReturnStatusTag status={r.status} />
            <Tag>{m[r.reason]}</Tag>
            <span>{formatDateTime(r.requested_at, timeZone)}</span>
          </Space>
        ))}
      </Flex>
    </Card>
  );
}
