import { ArrowLeftOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  App,
  Button,
  Card,
  Descriptions,
  Flex,
  Popconfirm,
  Space,
  Table,
  Tag,
  Timeline,
  Typography,
  type TableColumnsType,
} from "antd";
import type { HTMLAttributes } from "react";
import { Link, useParams } from "react-router";
import { api, ApiError, unwrap, type Schemas } from "../../api/client";
import { NotFound, problemText, QueryState } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useDealer, usePermissions } from "../../session";
import { useCustomerDirectory } from "../inbox/customers";
import { ConfidenceTag } from "../workbench/ConfidenceTag";
import { quoteMessages } from "./messages";
import { QuoteStatusTag } from "./status";

type Quote = Schemas["QuoteResponse"];
type Line = Schemas["QuoteLineResponse"];
type Option = Schemas["QuoteOptionResponse"];
type Messages = (typeof quoteMessages)["zh-CN"];

/** States a quote can still be cancelled from. */
const CANCELLABLE = new Set(["draft", "sent"]);

export default function QuotePage() {
  const { id = "" } = useParams();
  const m = useMessages(quoteMessages);
  const { timeZone } = useDealer();
  const { canSell } = usePermissions();
  const { message } = App.useApp();
  const client = useQueryClient();
  const customers = useCustomerDirectory();

  const query = useQuery({
    queryKey: ["quote", id],
    queryFn: () => unwrap(api.GET("/v1/quotes/{id}", { params: { path: { id } } })),
  });

  const cancel = useMutation({
    mutationFn: () => unwrap(api.POST("/v1/quotes/{id}/cancel", { params: { path: { id } } })),
    onSuccess: (quote) => {
      client.setQueryData(["quote", id], quote);
      void client.invalidateQueries({ queryKey: ["quotes"] });
      void client.invalidateQueries({ queryKey: ["inquiries"] });
      void client.invalidateQueries({ queryKey: ["inquiry", quote.inquiry_id] });
      message.success(m.cancelled);
    },
    onError: (error) => {
      message.error(problemText(error));
      // A 409 means the state moved on (accepted, expired): show what it is now.
      void query.refetch();
    },
  });

  if (query.error instanceof ApiError && query.error.status === 400) return <NotFound />;

  return (
    <Flex vertical gap={12}>
      <Flex align="center" gap={12}>
        <Link to="/quotes">
          <Button type="text" icon={<ArrowLeftOutlined />}>
            {m.back}
          </Button>
        </Link>
      </Flex>
      <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
        {() => {
          const quote = query.data as Quote;
          const customerName = customers.names.get(quote.customer_id) ?? (customers.loading ? "" : m.unknownCustomer);
          return (
            <Flex vertical gap={12}>
              <Flex justify="space-between" align="center" wrap gap={8}>
                <Space align="center">
                  <Typography.Title level={4} style={{ margin: 0 }}>
                    {m.title} · {customerName}
                  </Typography.Title>
                  <QuoteStatusTag status={quote.status} testId="quote-status" />
                </Space>
                <Space wrap>
                  <Link to={`/inquiries/${quote.inquiry_id}`} data-testid="quote-open-inquiry">
                    <Button type={quote.status === "draft" && canSell ? "primary" : "default"}>
                      {quote.status === "draft" && canSell ? m.openInWorkbench : m.openInquiry}
                    </Button>
                  </Link>
                  {quote.order_id ? (
                    <Link to={`/orders/${quote.order_id}`} data-testid="quote-open-order">
                      <Button>{m.openOrder}</Button>
                    </Link>
                  ) : null}
                  {canSell && CANCELLABLE.has(quote.status) ? (
                    <Popconfirm
                      title={m.cancelConfirm}
                      okText={m.yes}
                      cancelText={m.no}
                      okButtonProps={{ danger: true, loading: cancel.isPending }}
                      onConfirm={() => cancel.mutateAsync().catch(() => undefined)}
                    >
                      <Button danger data-testid="quote-cancel">
                        {m.cancel}
                      </Button>
                    </Popconfirm>
                  ) : null}
                </Space>
              </Flex>

              <Flex gap={12} wrap align="flex-start">
                <Card size="small" style={{ flex: "1 1 520px" }}>
                  <Descriptions
                    size="small"
                    column={{ xs: 1, md: 2 }}
                    items={[
                      {
                        key: "customer",
                        label: m.customer,
                        children: <Link to={`/customers/${quote.customer_id}`}>{customerName || quote.customer_id}</Link>,
                      },
                      {
                        key: "total",
                        label: m.total,
                        children: (
                          <Typography.Text strong data-testid="quote-total">
                            {formatMoney(quote.total, quote.currency)}
                          </Typography.Text>
                        ),
                      },
                      { key: "created", label: m.created, children: formatDateTime(quote.created_at, timeZone) },
                      { key: "sent", label: m.sent, children: formatDateTime(quote.sent_at, timeZone) },
                      { key: "valid", label: m.validUntil, children: formatDateTime(quote.valid_until, timeZone) },
                      { key: "currency", label: m.currency, children: quote.currency },
                      ...(quote.auto_sent ? [{ key: "auto", label: m.autoSent, children: <Tag>{m.autoSent}</Tag> }] : []),
                      ...(quote.proactive
                        ? [
                            {
                              key: "proactive",
                              label: m.proactive,
                              children: (
                                <Link to="/reminders?tab=all" data-testid="quote-proactive">
                                  <Tag color="purple">{m.proactive}</Tag>
                                  {m.fromReminder}
                                </Link>
                              ),
                            },
                          ]
                        : []),
                      ...(quote.note ? [{ key: "note", label: m.note, children: quote.note, span: 2 }] : []),
                      ...(quote.rejection_reason || quote.rejection_code
                        ? [
                            {
                              key: "reason",
                              label: m.rejectionReason,
                              span: 2,
                              children: (
                                <span data-testid="quote-rejection">
                                  {quote.rejection_code ? <Tag>{m[`rejectionCode_${quote.rejection_code}`]}</Tag> : null}
                                  {quote.rejection_reason}
                                </span>
                              ),
                            },
                          ]
                        : []),
                    ]}
                  />
                </Card>
                <Card size="small" title={m.timeline} style={{ flex: "0 1 340px" }}>
                  <Timeline items={timeline(quote, m, timeZone)} data-testid="quote-timeline" />
                </Card>
              </Flex>

              <QuoteLines quote={quote} />
            </Flex>
          );
        }}
      </QueryState>
    </Flex>
  );
}

const DECIDED: Record<string, { step: keyof Messages; color: string }> = {
  accepted: { step: "stepAccepted", color: "green" },
  partially_accepted: { step: "stepPartiallyAccepted", color: "green" },
  rejected: { step: "stepRejected", color: "red" },
  expired: { step: "stepExpired", color: "gray" },
  cancelled: { step: "stepCancelled", color: "gray" },
};

/** The quote's life from its timestamps, oldest first; a validity still ahead comes last, grey. */
function timeline(quote: Quote, m: Messages, timeZone: string) {
  const steps: { at: string; title: string; color: string }[] = [
    { at: quote.created_at, title: m.stepCreated, color: "blue" },
  ];
  if (quote.sent_at) steps.push({ at: quote.sent_at, title: quote.auto_sent ? m.stepAutoSent : m.stepSent, color: "blue" });
  if (quote.viewed_at) steps.push({ at: quote.viewed_at, title: m.stepViewed, color: "blue" });
  const decided = DECIDED[quote.status];
  if (decided && quote.decided_at) steps.push({ at: quote.decided_at, title: m[decided.step], color: decided.color });
  steps.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const items = steps.map((s) => ({ key: s.title, color: s.color, title: formatDateTime(s.at, timeZone), content: s.title }));
  if (quote.status === "sent" && quote.valid_until) {
    items.push({
      key: "valid",
      color: "gray",
      title: formatDateTime(quote.valid_until, timeZone),
      content: m.stepValidUntil,
    });
  }
  return items;
}

function QuoteLines({ quote }: { quote: Quote }) {
  const m = useMessages(quoteMessages);
  const proposal = (line: Line): Option | undefined => (line.status === "offered" ? line.options[0] : undefined);
  const columns: TableColumnsType<Line> = [
    { key: "position", title: m.position, width: 48, render: (_, l) => l.position + 1 },
    {
      key: "asked",
      title: m.asked,
      render: (_, l) => (
        <Flex vertical>
          <span>
            {l.text}
            {l.part_number ? (
              <Typography.Text code style={{ marginLeft: 4 }}>
                {l.part_number}
              </Typography.Text>
            ) : null}
          </span>
          {l.note ? <Typography.Text type="secondary">{l.note}</Typography.Text> : null}
        </Flex>
      ),
    },
    { key: "requested", title: m.requested, width: 80, align: "right", render: (_, l) => l.requested_quantity },
    {
      key: "status",
      title: m.lineStatus,
      width: 110,
      render: (_, l) => (
        <Space size={4} wrap>
          <Tag color={l.status === "offered" ? "green" : l.status === "unavailable" ? "default" : "red"}>
            {l.status === "offered" ? m.offeredTag : l.status === "unavailable" ? m.unavailable : m.noOffer}
          </Tag>
          {l.changed_by_staff ? <Tag>{m.changedByStaff}</Tag> : null}
        </Space>
      ),
    },
    { key: "confidence", title: m.confidence, width: 80, render: (_, l) => <ConfidenceTag confidence={l.confidence} /> },
    {
      key: "offered",
      title: m.offered,
      render: (_, l) => {
        const o = proposal(l);
        return o ? (
          <span>
            {o.brand ? <Tag>{o.brand}</Tag> : null}
            {o.name} <Typography.Text type="secondary">{o.sku}</Typography.Text>
          </span>
        ) : (
          "—"
        );
      },
    },
    {
      key: "price",
      title: m.unitPrice,
      width: 110,
      align: "right",
      render: (_, l) => {
        const o = proposal(l);
        return o ? formatMoney(o.unit_price, quote.currency) : "—";
      },
    },
    { key: "quantity", title: m.quantity, width: 70, align: "right", render: (_, l) => proposal(l)?.quantity ?? "—" },
    {
      key: "backorder",
      title: m.backorder,
      width: 70,
      align: "right",
      render: (_, l) => {
        const b = proposal(l)?.backorder_quantity ?? 0;
        return b > 0 ? <Typography.Text type="warning">{b}</Typography.Text> : "—";
      },
    },
    {
      key: "total",
      title: m.lineTotal,
      width: 120,
      align: "right",
      render: (_, l) => {
        const o = proposal(l);
        return o ? formatMoney(o.line_total, quote.currency) : "—";
      },
    },
  ];

  return (
    <Table<Line>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={quote.lines}
      pagination={false}
      scroll={{ x: 1000 }}
      onRow={(l) => ({ "data-testid": `quote-line-${l.position}` }) as HTMLAttributes<HTMLElement>}
      expandable={{
        rowExpandable: (l) => l.options.length > 1,
        expandedRowRender: (l) => <Alternatives options={l.options.slice(1)} currency={quote.currency} />,
        columnTitle: null,
      }}
      summary={() => (
        <Table.Summary.Row>
          <Table.Summary.Cell index={0} colSpan={columns.length} align="right">
            <Typography.Text strong>{m.total}</Typography.Text>
          </Table.Summary.Cell>
          <Table.Summary.Cell index={1} align="right">
            <Typography.Text strong>{formatMoney(quote.total, quote.currency)}</Typography.Text>
          </Table.Summary.Cell>
        </Table.Summary.Row>
      )}
    />
  );
}

function Alternatives({ options, currency }: { options: Option[]; currency: string }) {
  const m = useMessages(quoteMessages);
  return (
    <Flex vertical gap={4}>
      <Typography.Text type="secondary">{fill(m.alternatives, { n: options.length })}</Typography.Text>
      {options.map((o) => (
        <Space key={o.id} size="middle" wrap>
          <span>
            {o.brand ? <Tag>{o.brand}</Tag> : null}
            {o.name} <Typography.Text type="secondary">{o.sku}</Typography.Text>
          </span>
          <span>
            {m.listPrice} {formatMoney(o.list_price, currency)}
          </span>
          <span>
            {m.unitPrice} {formatMoney(o.unit_price, currency)}
          </span>
          {o.stock !== null && o.stock !== undefined ? (
            <span>
              {m.stock} {o.stock}
            </span>
          ) : null}
          {o.reason ? <Typography.Text type="secondary">{o.reason}</Typography.Text> : null}
        </Space>
      ))}
    </Flex>
  );
}
