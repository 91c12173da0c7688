import { Space, Tag, Typography } from "antd";
import { useState } from "react";
import { api, unwrapJson, type Schemas } from "../../api/client";
import { fill, useMessages } from "../../i18n";
import { formatDateTime } from "../../lib/format";
import { useDealer } from "../../session";
import type { Period } from "../figures/period";
import { InsightTable, type Sort } from "./InsightTable";
import { insightsMessages } from "./messages";

type Entry = Schemas["DemandEntry"];
type Key = Schemas["DemandSort"];
const DEFAULT_SORT: Sort<Key> = { by: "lines", order: "desc" };
const REASONS = ["not_in_catalog", "not_quoted", "out_of_stock", "quoted_too_late"] as const;

/** What shops asked for that the dealer could not supply, and what to do about it. */
export function DemandTab({ period }: { period: Period }) {
  const m = useMessages(insightsMessages);
  const { timeZone } = useDealer();
  const [sort, setSort] = useState(DEFAULT_SORT);
  const query = { from: period.from, to: period.to, sort: sort.by, order: sort.order };
  return (
    <InsightTable<Entry, Key, Schemas["DemandReport"]>
      testId="insights-demand"
      queryKey={["insights", "demand", period.from, period.to]}
      fetchPage={(cursor, limit) =>
        unwrapJson(api.GET("/v1/insights/demand", { params: { query: { ...query, limit, cursor } } }))
      }
      csvUrl={`/v1/insights/demand?${new URLSearchParams(query)}`}
      csvName={`unmet-demand-${period.from}-${period.to}.csv`}
      rowKey={(e) => e.key}
      sort={sort}
      onSort={(s) => setSort(s ?? DEFAULT_SORT)}
      summary={(r) => fill(m.demandSummary, { lines: r.inquiry_lines, unmet: r.unmet_lines })}
      columns={[
        {
          title: m.asked,
          key: "asked",
          width: 260,
          render: (_, e) => (
            <Space direction="vertical" size={0}>
              <Typography.Text>{e.asked}</Typography.Text>
              {e.part_number ? <Typography.Text type="secondary" code>{e.part_number}</Typography.Text> : null}
            </Space>
          ),
        },
        { title: m.lines, sortKey: "lines", align: "right", render: (_, e) => e.lines },
        { title: m.shops, sortKey: "shops", align: "right", render: (_, e) => e.shops },
        { title: m.quantity, sortKey: "quantity", align: "right", render: (_, e) => e.quantity },
        {
          title: m.lastAsked,
          sortKey: "last_asked",
          render: (_, e) => <span style={{ whiteSpace: "nowrap" }}>{formatDateTime(e.last_asked_at, timeZone)}</span>,
        },
        {
          title: m.trend,
          sortKey: "trend",
          align: "right",
          render: (_, e) => (
            <Typography.Text type={e.trend > 0 ? "danger" : e.trend < 0 ? "success" : undefined}>
              {e.trend > 0 ? `+${e.trend}` : e.trend}
            </Typography.Text>
          ),
        },
        {
          title: m.reasons,
          key: "reasons",
          render: (_, e) => (
            <Space size={4} wrap>
              {REASONS.filter((r) => e.reasons[r] > 0).map((r) => (
                <Tag key={r}>
                  {m[`reason_${r}`]} {e.reasons[r]}
                </Tag>
              ))}
            </Space>
          ),
        },
        {
          title: m.action,
          key: "action",
          render: (_, e) => (
            <Tag color="blue" data-testid={`insights-demand-action-${e.key}`}>
              {e.action === "stock" ? fill(m.action_stock, { n: e.stock_quantity ?? e.quantity }) : m[`action_${e.action}`]}
            </Tag>
          ),
        },
      ]}
    />
  );
}
