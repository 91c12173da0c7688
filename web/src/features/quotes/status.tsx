import { Tag } from "antd";
import type { Schemas } from "../../api/client";
import { defineMessages, useMessages } from "../../i18n";

export type QuoteStatus = Schemas["QuoteStatus"];

export const QUOTE_STATUSES: QuoteStatus[] = [
  "draft",
  "sent",
  "accepted",
  "partially_accepted",
  "rejected",
  "expired",
  "cancelled",
];

export const statusMessages = defineMessages({
  "zh-CN": {
    draft: "待报价",
    sent: "已报价",
    accepted: "已采购",
    partially_accepted: "部分采购",
    rejected: "已拒绝",
    expired: "已过期",
    cancelled: "已取消",
  },
  en: {
    draft: "Draft",
    sent: "Sent",
    accepted: "Accepted",
    partially_accepted: "Partly accepted",
    rejected: "Rejected",
    expired: "Expired",
    cancelled: "Cancelled",
  },
});

const COLORS: Record<QuoteStatus, string> = {
  draft: "gold",
  sent: "blue",
  accepted: "green",
  partially_accepted: "cyan",
  rejected: "red",
  expired: "default",
  cancelled: "default",
};

export function isQuoteStatus(value: string | null | undefined): value is QuoteStatus {
  return QUOTE_STATUSES.includes(value as QuoteStatus);
}

/** The state of a quote (and of the inquiry it answers) as a coloured tag. */
export function QuoteStatusTag({ status, testId }: { status: string; testId?: string }) {
  const m = useMessages(statusMessages);
  const known = isQuoteStatus(status);
  return (
    <Tag color={known ? COLORS[status] : "default"} data-testid={testId} data-status={status}>
      {known ? m[status] : status}
    </Tag>
  );
}

/** The status filter's choices, in the order a quote moves through them. */
export function useStatusOptions() {
  const m = useMessages(statusMessages);
  return QUOTE_STATUSES.map((s) => ({ value: s, label: m[s] }));
}
