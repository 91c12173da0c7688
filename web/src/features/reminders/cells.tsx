import { QuestionCircleOutlined } from "@ant-design/icons";
import { Button, Popover, Space, Tag, Tooltip, Typography } from "antd";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { fill, useMessages } from "../../i18n";
import { DocText } from "../figures/definitions";
import { daysFrom, snoozeEnded, type Reminder } from "./dates";
import { remindersMessages } from "./messages";

/** A label with a question mark whose tooltip is the API's description of the field. */
export function Hint({ label, text }: { label: ReactNode; text: string }) {
  return (
    <span style={{ whiteSpace: "nowrap" }}>
      {label}{" "}
      <Tooltip title={<DocText text={text} />}>
        <QuestionCircleOutlined
          tabIndex={0}
          aria-label={text}
          style={{ color: "#8c8c8c", cursor: "help" }}
          onClick={(e) => e.stopPropagation()}
        />
      </Tooltip>
    </span>
  );
}

/** The part, linked to its page: number, brand and name; or a note that it was deleted. */
export function PartCell({ reminder }: { reminder: Reminder }) {
  const m = useMessages(remindersMessages);
  const part = reminder.part;
  if (!part) return <Typography.Text type="secondary">{m.partDeleted}</Typography.Text>;
  return (
    <Space orientation="vertical" size={0}>
      <Link to={`/catalog/parts/${part.id}`}>
        <Typography.Text strong>{part.sku}</Typography.Text>
        {part.brand ? <Typography.Text type="secondary"> · {part.brand}</Typography.Text> : null}
      </Link>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {part.name}
      </Typography.Text>
    </Space>
  );
}

/** A date of the dealer's calendar with how far it is from today; `warnPast` marks a passed date. */
export function DayCell({ day, today, warnPast = false }: { day: string; today: string; warnPast?: boolean }) {
  const m = useMessages(remindersMessages);
  const n = daysFrom(today, day);
  const relative = n === 0 ? m.today : n > 0 ? fill(m.inDays, { n }) : fill(m.daysAgo, { n: -n });
  return (
    <Space orientation="vertical" size={0}>
      <span>{day}</span>
      <Typography.Text type={warnPast && n < 0 ? "danger" : "secondary"} style={{ fontSize: 12 }}>
        {relative}
      </Typography.Text>
    </Space>
  );
}

/** Why the reminder was raised: the purchase days, each linked to its order. */
export function EvidenceCell({ reminder }: { reminder: Reminder }) {
  const m = useMessages(remindersMessages);
  const history = reminder.history;
  return (
    <Space orientation="vertical" size={0}>
      <Typography.Text>{fill(m.everyDays, { n: reminder.interval_days })}</Typography.Text>
      <Popover
        trigger="click"
        title={<Hint label={m.evidence} text={m.fieldHistory} />}
        content={
          <Space orientation="vertical" size={2} data-testid={`reminder-history-${reminder.id}`}>
            {history.map((purchase) => (
              <Link key={`${purchase.date}-${purchase.order_id}`} to={`/orders/${purchase.order_id}`}>
                {fill(m.purchaseDay, { date: purchase.date, n: purchase.quantity })}
              </Link>
            ))}
            <Typography.Text type="secondary" style={{ fontSize: 12, maxWidth: 280, display: "block" }}>
              {m.fieldPurchase}
            </Typography.Text>
          </Space>
        }
      >
        <Button type="link" size="small" style={{ padding: 0, height: "auto" }} data-testid={`reminder-evidence-${reminder.id}`}>
          {fill(m.purchases, { n: history.length })}
          {reminder.last_purchase ? ` · ${fill(m.purchaseDay, { date: reminder.last_purchase.date, n: reminder.last_purchase.quantity })}` : ""}
        </Button>
      </Popover>
    </Space>
  );
}

/** Units in stock, flagged when below the suggested quantity. */
export function StockCell({ reminder }: { reminder: Reminder }) {
  const m = useMessages(remindersMessages);
  if (!reminder.part) return <>—</>;
  return (
    <Space size={4}>
      <span>{reminder.part.stock}</span>
      {reminder.stock_short ? (
        <Tooltip title={m.fieldStockShort}>
          <Tag color="red">{m.stockShort}</Tag>
        </Tooltip>
      ) : null}
    </Space>
  );
}

const STATUS_COLOR: Record<string, string> = {
  due: "blue",
  snoozed: "default",
  done: "green",
  dismissed: "default",
  converted: "gold",
};

/** The reminder's state as a tag, with the snooze's end. */
export function StatusTag({ reminder, today }: { reminder: Reminder; today: string }) {
  const m = useMessages(remindersMessages);
  const labels: Record<string, string> = {
    due: m.statusDue,
    snoozed: m.statusSnoozed,
    done: m.statusDone,
    dismissed: m.statusDismissed,
    converted: m.statusConverted,
  };
  const ended = snoozeEnded(reminder, today);
  const label = ended ? m.snoozeEnded : (labels[reminder.status] ?? reminder.status);
  const until = reminder.status === "snoozed" && !ended && reminder.snoozed_until ? ` · ${fill(m.snoozedUntil, { date: reminder.snoozed_until })}` : "";
  return (
    <Tag color={ended ? "blue" : (STATUS_COLOR[reminder.status] ?? "default")} data-testid={`reminder-status-${reminder.id}`}>
      {label}
      {until}
    </Tag>
  );

}
