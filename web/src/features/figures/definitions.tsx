import { QuestionCircleOutlined } from "@ant-design/icons";
import { Tooltip, Typography } from "antd";
import type { ReactNode } from "react";
import { useLocale, useMessages } from "../../i18n";
import { formatDuration, formatRate } from "../../lib/format";
import { figuresMessages, type FiguresMessages } from "./messages";
import { FIGURE_KIND, type FigureKey } from "./series";

type MessageKey = keyof FiguresMessages;

/** The headline figures: their test id, field, label and the API's definitions of them. */
export const KPIS: readonly { id: string; key: FigureKey; label: MessageKey; definitions: MessageKey[] }[] = [
  { id: "quote-rate", key: "quote_rate", label: "quoteRate", definitions: ["defQuoteRate", "fieldQuoteRate"] },
  { id: "purchase-rate", key: "purchase_rate", label: "purchaseRate", definitions: ["defPurchaseRate", "fieldPurchaseRate"] },
  {
    id: "response-p50",
    key: "response_time_p50_seconds",
    label: "responseP50",
    definitions: ["defResponseTime", "fieldResponseP50", "defPercentiles"],
  },
  {
    id: "response-p90",
    key: "response_time_p90_seconds",
    label: "responseP90",
    definitions: ["defResponseTime", "fieldResponseP90", "defPercentiles"],
  },
  {
    id: "auto-match",
    key: "auto_match_rate",
    label: "autoMatchRate",
    definitions: ["defAutoMatchRate", "fieldAutoMatchRate", "defConfident"],
  },
];

/** The delivery and after-sales headlines: how the order reaches the shop, and how a return is made right. */
export const DELIVERY_KPIS: readonly { id: string; key: FigureKey; label: MessageKey; definitions: MessageKey[] }[] = [
  { id: "on-time-rate", key: "on_time_rate", label: "onTimeRate", definitions: ["defOnTimeRate", "defOrderPeriod"] },
  { id: "fill-rate", key: "fill_rate", label: "fillRate", definitions: ["defFillRate", "defOrderPeriod"] },
  {
    id: "order-to-dispatch",
    key: "order_to_dispatch_p50_seconds",
    label: "orderToDispatchP50",
    definitions: ["defOrderTimes", "defPercentiles"],
  },
  {
    id: "order-to-delivery",
    key: "order_to_delivery_p50_seconds",
    label: "orderToDeliveryP50",
    definitions: ["defOrderTimes", "defPercentiles"],
  },
  { id: "backorder-rate", key: "backorder_rate", label: "backorderRate", definitions: ["defBackorderRate", "defOrderPeriod"] },
  { id: "return-rate", key: "return_rate", label: "returnRate", definitions: ["defReturnRate", "defOrderPeriod"] },
  {
    id: "return-resolution",
    key: "return_resolution_p50_seconds",
    label: "returnResolutionP50",
    definitions: ["defReturnResolution", "defPercentiles"],
  },
];

/** API documentation text, with its `backticked` words set as code. */
export function DocText({ text }: { text: string }) {
  return (
    <>
      {text.split("`").map((part, i) =>
        i % 2 === 1 ? (
          <Typography.Text key={i} code style={{ color: "inherit" }}>
            {part}
          </Typography.Text>
        ) : (
          part
        ),
      )}
    </>
  );
}

/** A label with a question mark whose tooltip gives the API's definitions. */
export function Defined({ label, definitions }: { label: ReactNode; definitions: MessageKey[] }) {
  const m = useMessages(figuresMessages);
  return (
    <span style={{ whiteSpace: "nowrap" }}>
      {label}{" "}
      <Tooltip
        title={
          <div>
            {definitions.map((key) => (
              <p key={key} style={{ margin: "2px 0" }}>
                <DocText text={m[key]} />
              </p>
            ))}
          </div>
        }
      >
        <QuestionCircleOutlined
          tabIndex={0}
          aria-label={m.howCounted}
          style={{ color: "#8c8c8c", cursor: "help" }}
          // In a sortable column header, reading the definition must not re-sort the table.
          onClick={(e) => e.stopPropagation()}
        />
      </Tooltip>
    </span>
  );
}

/** Formats a figure by its kind: rates as `87.7%`, response times as `12分钟`, counts grouped. */
export function useFigureFormat() {
  const { locale } = useLocale();
  return (key: FigureKey, value: number | null | undefined): string => {
    if (value === null || value === undefined) return "—";
    switch (FIGURE_KIND[key]) {
      case "rate":
        return formatRate(value);
      case "duration":
        return formatDuration(value, locale);
      case "count":
        return value.toLocaleString(locale);
    }
  };
}
