import { ArrowLeftOutlined, BarChartOutlined, EditOutlined, FileSearchOutlined, FileTextOutlined, InboxOutlined, ShoppingCartOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Descriptions, Flex, Popconfirm, Space, Tabs, Typography } from "antd";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { problemText, QueryState } from "../../components/QueryState";
import { useMessages } from "../../i18n";
import { formatDateTime } from "../../lib/format";
import { useDealer, usePermissions } from "../../session";
import { ApiKeys } from "./ApiKeys";
import { CustomerFormDrawer } from "./CustomerFormDrawer";
import { priceLevelText, type Customer } from "./customerForm";
import { customerMessages } from "./messages";
import { CustomerTimeline } from "./Timeline";

function CustomerView({ customer }: { customer: Customer }) {
  const m = useMessages(customerMessages);
  const { message } = App.useApp();
  const { canSell, canAdmin } = usePermissions();
  const { timeZone } = useDealer();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);

  const archive = useMutation({
    mutationFn: () => unwrap(api.DELETE("/v1/customers/{id}", { params: { path: { id: customer.id } } })),
    onSuccess: () => {
      client.removeQueries({ queryKey: ["customer", customer.id] });
      client.invalidateQueries({ queryKey: ["customers"] });
      message.success(m.archived);
      navigate("/customers");
    },
    onError: (error) => message.error(problemText(error)),
  });

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="customer-name">
          {customer.name}
        </Typography.Title>
        <Space wrap>
          <Link to={`/inquiries?customer_id=${customer.id}`}>
            <Button icon={<InboxOutlined />} data-testid="customer-inquiries">
              {m.inquiries}
            </Button>
          </Link>
          <Link to={`/quotes?customer_id=${customer.id}`}>
            <Button icon={<FileTextOutlined />} data-testid="customer-quotes">
              {m.quotes}
            </Button>
          </Link>
          <Link to={`/orders?customer_id=${customer.id}`}>
            <Button icon={<ShoppingCartOutlined />} data-testid="customer-orders">
              {m.orders}
            </Button>
          </Link>
          <Link to={`/figures/customers/${customer.id}`}>
            <Button icon={<BarChartOutlined />} data-testid="customer-figures">
              {m.figures}
            </Button>
          </Link>
          {canSell && (
            <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="customer-edit">
              {m.edit}
            </Button>
          )}
          {canAdmin && (
            <Popconfirm
              title={m.archiveConfirm}
              description={m.archiveHelp}
              okText={m.archive}
              okButtonProps={{ danger: true }}
              cancelText={m.cancel}
              onConfirm={() => archive.mutateAsync()}
            >
              <Button danger loading={archive.isPending} data-testid="customer-archive">
                {m.archive}
              </Button>
            </Popconfirm>
          )}
        </Space>
      </Flex>
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, sm: 2, lg: 3 }}
        items={[
          { key: "contact", label: m.contact, children: customer.contact_name ?? "—" },
          {
            key: "phone",
            label: m.phone,
            children: customer.phone ? <a href={`tel:${customer.phone.replace(/\s/g, "")}`}>{customer.phone}</a> : "—",
          },
          {
            key: "email",
            label: m.email,
            children: customer.email ? <a href={`mailto:${customer.email}`}>{customer.email}</a> : "—",
          },
          {
            key: "level",
            label: m.priceLevel,
            children: (
              <span data-testid="customer-price-level-value">
                {priceLevelText(customer.price_level)}
                <Typography.Text type="secondary"> · {m.priceLevelShort}</Typography.Text>
              </span>
            ),
          },
          { key: "address", label: m.address, span: 2, children: customer.address ?? "—" },
          {
            key: "notes",
            label: m.notes,
            span: "filled",
            children: <Typography.Paragraph style={{ whiteSpace: "pre-wrap", margin: 0 }}>{customer.notes ?? "—"}</Typography.Paragraph>,
          },
          { key: "created", label: m.createdAt, children: formatDateTime(customer.created_at, timeZone) },
          { key: "updated", label: m.updatedAt, children: formatDateTime(customer.updated_at, timeZone) },
        ]}
      />
      <Tabs
        items={[
          {
            key: "timeline",
            label: (
              <span>
                <FileSearchOutlined /> {m.timeline}
              </span>
            ),
            children: <CustomerTimeline customerId={customer.id} />,
          },
          ...(canAdmin
            ? [{ key: "keys", label: <span data-testid="customer-tab-keys">{m.apiKeys}</span>, children: <ApiKeys customerId={customer.id} /> }]
            : []),
        ]}
      />
      {canSell && (
        <CustomerFormDrawer
          customer={customer}
          open={editing}
          onClose={() => setEditing(false)}
          onSaved={() => setEditing(false)}
        />
      )}
    </Space>
  );
}

export default function CustomerPage() {
  const m = useMessages(customerMessages);
  const { id = "" } = useParams();
  const query = useQuery({
    queryKey: ["customer", id],
    queryFn: () => unwrap(api.GET("/v1/customers/{id}", { params: { path: { id } } })),
  });
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size={12}>
      <Link to="/customers">
        <ArrowLeftOutlined /> {m.backToCustomers}
      </Link>
      <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
        {() => query.data && <CustomerView customer={query.data} />}
      </QueryState>
    </Space>
  );
}
