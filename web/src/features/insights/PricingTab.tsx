import { Radio, Space, Tag, Tooltip, Typography } from "antd";
import { useState } from "react";
import { api, unwrapJson, type Schemas } from "../../api/client";
import { fill, useMessages } from "../../i18n";
import { formatMoney } from "../../lib/format";
import type { Period } from "../figures/period";
import { InsightTable, type Sort } from "./InsightTable";
import { insightsMessages } from "./messages";

type Entry = Schemas["PricingEntry"];
type Key = Schemas["PricingSort"];
type Group = Schemas["PricingGroup"];
type Flag = Schemas["PricingFlag"];
const DEFAULT_SORT: Sort<Key> = { by: "quoted_lines", order: "desc" };
const CODES = ["price", "availability", "delivery", "found_elsewhere", "no_longer_needed", "other", "uncoded"] as const;

const percent = (rate: number | null | undefined) => (rate == null ? "—" : `${(rate * 100).toFixed(1)}%`);

/** How the quotes fared per part or brand, why shops said no, and what to review. */
export function PricingTab({ period, currency }: { period: Period; currency: string }) {
  const m = useMessages(insightsMessages);
  const [sort, setSort] = useState(DEFAULT_SORT);
  const [group, setGroup] = useState<Group>("part");
  const [flag, setFlag] = useState<Flag | "all">("all");
  const query = {
    from: period.from,
    to: period.to,
    group,
    sort: sort.by,
    order: sort.order,
    ...(flag === "all" ? {} : { flag }),
  };
  return (
    <InsightTable<Entry, Key, Schemas["PricingReport"]>
      testId="insights-pricing"
      queryKey={["insights", "pricing", period.from, period.to, group, flag]}
      fetchPage={(cursor, limit) =>
        unwrapJson(api.GET("/v1/insights/pricing", { params: { query: { ...query, limit, cursor } } }))
      }
      csvUrl={`/v1/insights/pricing?${new URLSearchParams(query)}`}
      csvName={`pricing-${period.from}-${period.to}.csv`}
      rowKey={(e) => e.key}
      sort={sort}
      onSort={(s) => setSort(s ?? DEFAULT_SORT)}
      summary={(r) =>
        fill(m.pricingSummary, { quoted: r.quoted_lines, bought: r.bought_lines, rate: percent(r.purchase_rate) })
      }
      extra={
        <Space wrap>
          <Radio.Group value={group} optionType="button" size="small" onChange={(e) => setGroup(e.target.value as Group)}>
            <Radio.Button value="part">{m.groupPart}</Radio.Button>
            <Radio.Button value="brand">{m.groupBrand}</Radio.Button>
          </Radio.Group>
          <Radio.Group value={flag} optionType="button" size="small" onChange={(e) => setFlag(e.target.value as Flag | "all")}>
            <Radio.Button value="all">{m.flagAll}</Radio.Button>
            <Radio.Button value="review_price" data-testid="insights-pricing-flag-review">
              {m.flagReviewPrice}
            </Radio.Button>
            <Radio.Button value="raise_stock">{m.flagRaiseStock}</Radio.Button>
          </Radio.Group>
        </Space>
      }
      columns={[
        {
          title: group === "part" ? m.part : m.brand,
          key: "what",
          width: 240,
          render: (_, e) =>
            group === "part" ? (
              <Space direction="vertical" size={0}>
                <Typography.Text>{e.name}</Typography.Text>
                <Typography.Text type="secondary">
                  {e.sku}
                  {e.brand ? ` · ${e.brand}` : ""}
                </Typography.Text>
              </Space>
            ) : (
              (e.brand ?? m.noBrand)
            ),
        },
        { title: m.quotedLines, sortKey: "quoted_lines", align: "right", render: (_, e) => e.quoted_lines },
        { title: m.boughtLines, sortKey: "bought_lines", align: "right", render: (_, e) => e.bought_lines },
        {
          title: m.purchaseRate,
          sortKey: "purchase_rate",
          align: "right",
          render: (_, e) => (
            <Tooltip
              title={
                m.byLevel +
                e.by_price_level
                  .map((l) => fill(m.levelRate, { level: l.price_level, bought: l.bought_lines, quoted: l.quoted_lines }))
                  .join("，")
              }
            >
              <span>{percent(e.purchase_rate)}</span>
            </Tooltip>
          ),
        },
        { title: m.unitsBought, sortKey: "units_bought", align: "right", render: (_, e) => e.units_bought },
        {
          title: m.boughtValue,
          key: "bought_value",
          align: "right",
          render: (_, e) => <span style={{ whiteSpace: "nowrap" }}>{formatMoney(e.bought_value, currency)}</span>,
        },
        {
          title: m.rejectedLines,
          sortKey: "rejected_lines",
          render: (_, e) => (
            <Space size={4} wrap>
              <span>{e.rejected_lines}</span>
              {CODES.filter((c) => e.rejections[c] > 0).map((c) => (
                <Tag key={c}>
                  {m[`code_${c}`]} {e.rejections[c]}
                </Tag>
              ))}
            </Space>
          ),
        },
        {
          title: m.shopWords,
          key: "reasons",
          width: 200,
          render: (_, e) => <Typography.Text type="secondary">{e.reasons.join(" / ")}</Typography.Text>,
        },
        ...(group === "part"
          ? [{ title: m.available, key: "available", align: "right" as const, render: (_: unknown, e: Entry) => e.available }]
          : []),
        {
          title: m.flags,
          key: "flags",
          render: (_, e) => (
            <Space size={4} data-testid={`insights-pricing-flags-${e.key}`}>
              {e.flags.map((f) => (
                <Tag key={f} color={f === "review_price" ? "orange" : "green"}>
                  {f === "review_price" ? m.flagReviewPrice : m.flagRaiseStock}
                </Tag>
              ))}
            </Space>
          ),
        },
      ]}
    />
  );
}
