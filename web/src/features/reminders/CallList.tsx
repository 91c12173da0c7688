import { PhoneOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Alert, Card, Col, Empty, Flex, Row, Space, Statistic, Table, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { HTMLAttributes } from "react";
import { Link } from "react-router";
import { api, unwrap, type Schemas } from "../../api/client";
import { QueryState } from "../../components/QueryState";
import { fill, useLocale, useMessages } from "../../i18n";
import { formatMoney } from "../../lib/format";
import { useDealer } from "../../session";
import { DayCell, EvidenceCell, Hint, PartCell, StatusTag, StockCell } from "./cells";
import type { Reminder } from "./dates";
import { remindersMessages } from "./messages";
import { ReminderActions } from "./ReminderActions";

type Entry = Schemas["CallEntry"];

/** A customer's due parts on the call list. */
function EntryReminders({ reminders, today }: { reminders: Reminder[]; today: string }) {
  const m = useMessages(remindersMessages);
  const columns: ColumnsType<Reminder> = [
    { key: "part", title: m.part, render: (_, r) => <PartCell reminder={r} /> },
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
    {
      key: "evidence",
      title: <Hint label={m.evidence} text={m.fieldInterval} />,
      width: 200,
      render: (_, r) => <EvidenceCell reminder={r} />,
    },
    { key: "stock", title: m.stock, width: 130, render: (_, r) => <StockCell reminder={r} /> },
    { key: "status", title: m.status, width: 150, render: (_, r) => <StatusTag reminder={r} today={today} /> },
    { key: "actions", title: m.actions, width: 290, render: (_, r) => <ReminderActions reminder={r} today={today} /> },
  ];
  return (
    <Table<Reminder>
      size="small"
      rowKey="id"
      columns={columns}
      dataSource={reminders}
      pagination={false}
      scroll={{ x: 900 }}
      onRow={(r) => ({ "data-testid": `reminder-row-${r.id}` }) as HTMLAttributes<HTMLElement>}
    />
  );
}

/** One customer to call: who, how to reach them, what it is worth, and the parts due. */
function EntryCard({ entry, rank, limit, today }: { entry: Entry; rank?: number; limit: number; today: string }) {
  const m = useMessages(remindersMessages);
  const { locale } = useLocale();
  const { currency } = useDealer();
  const held = !!entry.held_back_reason;
  // The API words the reason in English; in Chinese it is said from the same figures.
  const reason =
    locale === "en" || !entry.held_back_reason
      ? entry.held_back_reason
      : fill(m.heldBackReason, { n: entry.contacts_last_7_days, limit });
  return (
    <Card
      size="small"
      data-testid={`${held ? "held-back" : "call-entry"}-${entry.customer.id}`}
      title={
        <Space size="middle" wrap>
          <span>
            {rank !== undefined ? <Typography.Text type="secondary">{rank}. </Typography.Text> : null}
            <Link to={`/customers/${entry.customer.id}`}>{entry.customer.name}</Link>
          </span>
          {entry.contact_name ? (
            <Typography.Text type="secondary">
              {m.contact}: {entry.contact_name}
            </Typography.Text>
          ) : null}
          {entry.phone ? (
            <Typography.Link href={`tel:${entry.phone}`}>
              <PhoneOutlined /> {entry.phone}
            </Typography.Link>
          ) : (
            <Typography.Text type="secondary">{m.noPhone}</Typography.Text>
          )}
        </Space>
      }
      extra={
        <Space size={4} wrap>
          <Tooltip title={m.fieldValue}>
            <Tag color="gold" data-testid={`call-entry-value-${entry.customer.id}`}>
              {m.value} {formatMoney(entry.value, currency)}
            </Tag>
          </Tooltip>
          <Tooltip title={m.fieldContacts}>
            <Tag color={held ? "orange" : "default"}>{fill(m.contactsLast7, { n: entry.contacts_last_7_days, limit })}</Tag>
          </Tooltip>
        </Space>
      }
    >
      {held ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 8 }}
          title={<span title={entry.held_back_reason ?? undefined}>{reason}</span>}
          data-testid={`held-back-reason-${entry.customer.id}`}
        />
      ) : null}
      <EntryReminders reminders={entry.reminders} today={today} />
    </Card>
  );
}

/**
 * `GET /v1/reminders/call-list`: today's customers to call, most valuable first as the API
 * orders them, then those the weekly contact limit holds back, with the reason.
 */
export function CallList() {
  const m = useMessages(remindersMessages);
  const query = useQuery({
    queryKey: ["reminders", "call-list"],
    queryFn: () => unwrap(api.GET("/v1/reminders/call-list")),
  });
  return (
    <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
      {() => {
        const list = query.data;
        if (!list) return null;
        const due = list.call.reduce((sum, e) => sum + e.reminders.length, 0);
        return (
          <Flex vertical gap={12}>
            <Row gutter={[12, 12]}>
              <Col flex="1 1 160px">
                <Card size="small">
                  <Statistic title={m.statCustomers} value={list.call.length} />
                </Card>
              </Col>
              <Col flex="1 1 160px">
                <Card size="small">
                  <Statistic title={m.statReminders} value={due} />
                </Card>
              </Col>
              <Col flex="1 1 160px">
                <Card size="small">
                  <Statistic title={m.statHeld} value={list.held_back.length} />
                </Card>
              </Col>
              <Col flex="1 1 160px">
                <Card size="small">
                  <Statistic title={m.statCap} value={fill(m.capDays, { n: list.contacts_per_week })} />
                </Card>
              </Col>
            </Row>
            <Typography.Title level={5} style={{ margin: "4px 0 0" }} data-testid="call-list-date">
              <Hint label={fill(m.callDate, { date: list.date })} text={m.callListRule} />
            </Typography.Title>
            {list.call.length === 0 ? (
              <Card size="small">
                <Empty description={m.emptyCall} data-testid="call-list-empty" />
              </Card>
            ) : (
              list.call.map((entry, i) => (
                <EntryCard key={entry.customer.id} entry={entry} rank={i + 1} limit={list.contacts_per_week} today={list.date} />
              ))
            )}
            {list.held_back.length > 0 ? (
              <>
                <Typography.Title level={5} style={{ margin: "8px 0 0" }}>
                  {m.heldBackTitle}
                </Typography.Title>
                <Typography.Text type="secondary">{m.heldBackHint}</Typography.Text>
                {list.held_back.map((entry) => (
                  <EntryCard key={entry.customer.id} entry={entry} limit={list.contacts_per_week} today={list.date} />
                ))}
              </>
            ) : null}
          </Flex>
        );
      }}
    </QueryState>
  );
}
