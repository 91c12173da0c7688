import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, DatePicker, Flex, Popconfirm, Popover, Space, Tooltip, Typography } from "antd";
import { useState } from "react";
import { api, unwrap } from "../../api/client";
import { problemText } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { dayjs } from "../../lib/format";
import { usePermissions } from "../../session";
import { addDays } from "../figures/period";
import { Link, useNavigate } from "react-router";
import { canSnoozeUntil, isActionable, isQuotable, SNOOZE_CHOICES, type Reminder } from "./dates";
import { remindersMessages } from "./messages";

type Action = { kind: "done" } | { kind: "dismiss" } | { kind: "snooze"; until: string };

function perform(id: string, action: Action) {
  const path = { params: { path: { id } } };
  switch (action.kind) {
    case "done":
      return unwrap(api.POST("/v1/reminders/{id}/done", path));
    case "dismiss":
      return unwrap(api.POST("/v1/reminders/{id}/dismiss", path));
    case "snooze":
      return unwrap(api.POST("/v1/reminders/{id}/snooze", { ...path, body: { until: action.until } }));
  }
}

/** Choose a day to snooze until: a few quick choices, or any allowed day on the calendar. */
function SnoozeButton({ reminder, today, onSnooze, busy }: { reminder: Reminder; today: string; onSnooze: (until: string) => void; busy: boolean }) {
  const m = useMessages(remindersMessages);
  const [open, setOpen] = useState(false);
  const choose = (until: string) => {
    setOpen(false);
    onSnooze(until);
  };
  const label = (days: number) =>
    days === 1 ? m.snoozeTomorrow : days === 7 ? m.snoozeWeek : days === 14 ? m.snoozeTwoWeeks : fill(m.snoozeDays, { n: days });
  return (
    <Popover
      trigger="click"
      open={open}
      onOpenChange={setOpen}
      destroyOnHidden
      title={m.snoozeTitle}
      content={
        <Flex vertical gap={8} style={{ width: 240 }}>
          <Flex wrap gap={6}>
            {SNOOZE_CHOICES.map((days, i) => (
              <Button
                key={days}
                size="small"
                // Focus moves into the popup, so the choices are reachable from the keyboard.
                autoFocus={i === 0}
                onClick={() => choose(addDays(today, days))}
                data-testid={`reminder-snooze-option-${days}`}
              >
                {label(days)}
              </Button>
            ))}
          </Flex>
          <DatePicker
            size="small"
            placeholder={m.snoozePick}
            data-testid="reminder-snooze-date"
            disabledDate={(day) => !canSnoozeUntil(day.format("YYYY-MM-DD"), today)}
            defaultPickerValue={dayjs(addDays(today, 1))}
            onChange={(day) => day && choose(day.format("YYYY-MM-DD"))}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {m.snoozeHint}
          </Typography.Text>
        </Flex>
      }
    >
      <Button size="small" loading={busy} data-testid={`reminder-snooze-${reminder.id}`}>
        {m.snooze}
      </Button>
    </Popover>
  );
}

/**
 * The reminder's proactive quote: a link to it once drafted, else a button that drafts it and
 * opens it for review.
 */
function QuoteButton({ reminder }: { reminder: Reminder }) {
  const m = useMessages(remindersMessages);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const draft = useMutation({
    mutationFn: () => unwrap(api.POST("/v1/reminders/{id}/quote", { params: { path: { id: reminder.id } } })),
    onSuccess: (quote) => {
      message.success(m.quoteOk);
      navigate(`/inquiries/${quote.inquiry_id}`);
    },
    onError: (error) => message.error(fill(m.actionFailed, { reason: problemText(error) })),
    onSettled: () => client.invalidateQueries({ queryKey: ["reminders"] }),
  });
  if (reminder.quote_id) {
    return (
      <Link to={`/quotes/${reminder.quote_id}`} data-testid={`reminder-quote-link-${reminder.id}`}>
        {m.viewQuote}
      </Link>
    );
  }
  if (!isQuotable(reminder.status)) return null;
  return (
    <Tooltip title={m.quoteHint}>
      <Button size="small" loading={draft.isPending} onClick={() => draft.mutate()} data-testid={`reminder-quote-${reminder.id}`}>
        {m.quote}
      </Button>
    </Tooltip>
  );
}

/**
 * Done (contacted), snooze and dismiss, for staff who may act on reminders; a viewer sees none.
 * Every outcome, a refusal included (someone else acted first), refreshes the lists.
 */
export function ReminderActions({ reminder, today }: { reminder: Reminder; today: string }) {
  const m = useMessages(remindersMessages);
  const { canSell } = usePermissions();
  const { message } = App.useApp();
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: (action: Action) => perform(reminder.id, action),
    onSuccess: (_data, action) => {
      message.success(
        action.kind === "done" ? m.doneOk : action.kind === "dismiss" ? m.dismissOk : fill(m.snoozeOk, { date: action.until }),
      );
    },
    onError: (error) => {
      message.error(fill(m.actionFailed, { reason: problemText(error) }));
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["reminders"] }),
  });

  if (!canSell) return null;
  if (!isActionable(reminder.status)) return <QuoteButton reminder={reminder} />;
  const busy = (kind: Action["kind"]) => mutation.isPending && mutation.variables?.kind === kind;
  return (
    <Space size={4} wrap>
      <QuoteButton reminder={reminder} />
      <Button
        size="small"
        type="primary"
        loading={busy("done")}
        disabled={mutation.isPending}
        onClick={() => mutation.mutate({ kind: "done" })}
        data-testid={`reminder-done-${reminder.id}`}
      >
        {m.done}
      </Button>
      <SnoozeButton reminder={reminder} today={today} busy={busy("snooze")} onSnooze={(until) => mutation.mutate({ kind: "snooze", until })} />
      <Popconfirm
        title={m.dismissConfirm}
        okButtonProps={{ danger: true, autoFocus: true, "data-testid": "reminder-dismiss-confirm" }}
        onConfirm={() => mutation.mutate({ kind: "dismiss" })}
      >
        <Button size="small" danger loading={busy("dismiss")} disabled={mutation.isPending} data-testid={`reminder-dismiss-${reminder.id}`}>
          {m.dismiss}
        </Button>
      </Popconfirm>
    </Space>
  );
}
