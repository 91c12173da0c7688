import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { Button, Card, Col, Flex, Row, Select, Space, Statistic, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useState, type HTMLAttributes } from "react";
import { Link } from "react-router";
import { api, unwrap } from "../../api/client";
import { problemText } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { formatDateTime, formatRate } from "../../lib/format";
import { useDealer } from "../../session";
import { figuresMessages } from "../figures/messages";
import { todayIn } from "../figures/period";
import { DayCell, Hint, PartCell, StatusTag } from "./cells";
import { STATUSES, type Reminder, type ReminderStatus } from "./dates";
import { remindersMessages } from "./messages";
import { ReminderActions } from "./ReminderActions";

const PAGE_SIZE = 100;
/** Past this many rows the table renders only what is on screen. */
const VIRTUAL_FROM = 200;

/**
 * Reminders raised and converted over the API's default period (the last 30 days in the dealer's
 * zone), from the dealer's figures; refreshed with the reminders.
 */
function Conversions() {
  const m = useMessages(remindersMessages);
  const f = useMessages(figuresMessages);
  const query = useQuery({
    queryKey: ["reminders", "conversions"],
    queryFn: () => unwrap(api.GET("/v1/metrics/summary", { params: { query: { interval: "month" } } })),
  });
  const totals = query.data?.totals;
  return (
    <Card
      size="small"
      loading={query.isPending}
      title={
        query.data ? (
          <Space size={4}>
            {fill(m.conversionTitle, { from: query.data.from, to: query.data.to })}
            <Hint label="" text={f.defPeriod} />
          </Space>
        ) : null
      }
      data-testid="reminders-conversions"
    >
      {query.error ? (
        <Typography.Text type="danger">{problemText(query.error)}</Typography.Text>
      ) : (
        <Row gutter={12}>
          <Col span={8}>
            <Statistic title={m.raised} value={totals?.reminders_raised ?? 0} />
          </Col>
          <Col span={8}>
            <Statistic title={m.converted} value={totals?.reminders_converted ?? 0} />
          </Col>
          <Col span={8}>
            <Statistic
              title={<Hint label={m.conversionRate} text={m.fieldConversionRate} />}
              value={formatRate(totals?.reminder_conversion_rate)}
            />
          </Col>
        </Row>
      )}
    </Card>
  );
}

/** A customer picker searching `GET /v1/customers?name=`. */
function CustomerFilter({ value, onChange }: { value: string | undefined; onChange: (id: string | undefined) => void }) {
  const m = useMessages(remindersMessages);
  const [text, setText] = useState("");
  const [name, setName] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setName(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);
  const query = useQuery({
    queryKey: ["reminders", "customer-options", name],
    queryFn: () => unwrap(api.GET("/v1/customers", { params: { query: { name: name || undefined, limit: 20 } } })),
    placeholderData: keepPreviousData,
  });
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setText }}
      allowClear
      style={{ width: 240 }}
      placeholder={m.allCustomers}
      aria-label={m.filterCustomer}
      value={value}
      onChange={(id) => onChange(id ?? undefined)}
      loading={query.isFetching}
      options={query.data?.items.map((c) => ({ value: c.id, label: c.name }))}
      data-testid="reminders-customer-filter"
    />
  );
}

/** `GET /v1/reminders`: every reminder, newest first, filtered by status and customer, with conversions. */
export function AllReminders() {
  const m = useMessages(remindersMessages);
  const { timeZone } = useDealer();
  const today = todayIn(timeZone);
  const [status, setStatus] = useState<ReminderStatus | undefined>();
  const [customer, setCustomer] = useState<string | undefined>();

  const query = useInfiniteQuery({
    queryKey: ["reminders", "list", status ?? "all", customer ?? "all"],
    queryFn: ({ pageParam }) =>
      unwrap(api.GET("/v1/reminders", { params: { query: { status, customer, limit: PAGE_SIZE, cursor: pageParam } } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const rows = query.data?.pages.flatMap((page) => page.items) ?? [];
  const virtual = rows.length > VIRTUAL_FROM;

  const statusLabel: Record<ReminderStatus, string> = {
    due: m.statusDue,
    snoozed: m.statusSnoozed,
    done: m.statusDone,
    dismissed: m.statusDismissed,
    converted: m.statusConverted,
  };

  const columns: ColumnsType<Reminder> = [
    {
      key: "customer",
      title: m.customer,
      width: 180,
      fixed: "left",
      render: (_, r) => <Link to={`/customers/${r.customer.id}`}>{r.customer.name}</Link>,
    },
    { key: "part", title: m.part, width: 220, render: (_, r) => <PartCell reminder={r} /> },
    { key: "status", title: m.status, width: 170, render: (_, r) => <StatusTag reminder={r} today={today} /> },
    {
      key: "remind",
      title: <Hint label={m.remindOn} text={m.fieldRemindOn} />,
      width: 120,
      render: (_, r) => <DayCell day={r.remind_on} today={today} />,
    },
    {
      key: "expected",
      title: <Hint label={m.expectedOn} text={m.fieldExpectedOn} />,
      width: 130,
      render: (_, r) => <DayCell day={r.expected_on} today={today} warnPast />,
    },
    {
      key: "quantity",
      title: <Hint label={m.suggestedQuantity} text={m.fieldSuggestedQuantity} />,
      width: 110,
      align: "right",
      render: (_, r) => r.suggested_quantity,
    },
    { key: "raised", title: m.raisedAt, width: 150, render: (_, r) => formatDateTime(r.raised_at, timeZone) },
    { key: "contacted", title: m.contactedAt, width: 150, render: (_, r) => formatDateTime(r.contacted_at, timeZone) },
    {
      key: "conversion",
      title: <Hint label={m.conversion} text={m.fieldConverted} />,
      width: 170,
      render: (_, r) =>
        r.converted_at ? (
          <Space orientation="vertical" size={0}>
            <span>{formatDateTime(r.converted_at, timeZone)}</span>
            {r.converted_order_id ? (
              <Link to={`/orders/${r.converted_order_id}`} data-testid={`reminder-order-${r.id}`}>
                {m.order}
              </Link>
            ) : null}
          </Space>
        ) : (
          "—"
        ),
    },
    { key: "actions", title: m.actions, width: 290, render: (_, r) => <ReminderActions reminder={r} today={today} /> },
  ];
  const scrollX = columns.reduce((sum, c) => sum + (typeof c.width === "number" ? c.width : 0), 0);

  return (
    <Flex vertical gap={12}>
      <Conversions />
      <Card size="small">
        <Flex wrap gap={8} style={{ marginBottom: 12 }}>
          <Select<ReminderStatus>
            allowClear
            style={{ width: 160 }}
            placeholder={m.allStatuses}
            aria-label={m.filterStatus}
            value={status}
            onChange={(value) => setStatus(value ?? undefined)}
            options={STATUSES.map((s) => ({ value: s, label: statusLabel[s] }))}
            data-testid="reminders-status-filter"
          />
          <CustomerFilter value={customer} onChange={setCustomer} />
        </Flex>
        <Table<Reminder>
          size="small"
          rowKey="id"
          columns={columns}
          dataSource={rows}
          loading={query.isPending || (query.isFetching && !query.isFetchingNextPage)}
          pagination={false}
          virtual={virtual}
          scroll={virtual ? { x: scrollX, y: 600 } : { x: scrollX }}
          onRow={(r) => ({ "data-testid": `reminder-row-${r.id}` }) as HTMLAttributes<HTMLElement>}
          locale={query.error ? { emptyText: problemText(query.error) } : undefined}
          data-testid="reminders-table"
        />
        <Flex justify="space-between" align="center" style={{ marginTop: 12 }}>
          <Typography.Text type="secondary">{fill(query.hasNextPage ? m.loaded : m.total, { n: rows.length })}</Typography.Text>
          {query.hasNextPage ? (
            <Button onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage} data-testid="reminders-load-more">
              {m.loadMore}
            </Button>
          ) : null}
        </Flex>
      </Card>
    </Flex>
  );
}
