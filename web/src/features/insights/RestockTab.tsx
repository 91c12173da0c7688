import { Radio, Space, Switch, Typography } from "antd";
import { useState } from "react";
import { api, unwrapJson, type Schemas } from "../../api/client";
import { fill, useMessages } from "../../i18n";
import { InsightTable, type Sort } from "./InsightTable";
import { insightsMessages } from "./messages";

type Line = Schemas["RestockLine"];
type Key = Schemas["RestockSort"];
const DEFAULT_SORT: Sort<Key> = { by: "shortfall", order: "desc" };
const DAYS = [7, 14, 30, 90] as const;
const CUSTOMERS_SHOWN = 3;

/** What customers are expected to buy in the next days, against the shelf. */
export function RestockTab() {
  const m = useMessages(insightsMessages);
  const [sort, setSort] = useState(DEFAULT_SORT);
  const [days, setDays] = useState<number>(14);
  const [shortOnly, setShortOnly] = useState(false);
  const query = { days: String(days), short_only: String(shortOnly), sort: sort.by, order: sort.order };
  return (
    <InsightTable<Line, Key, Schemas["RestockReport"]>
      testId="insights-restock"
      queryKey={["insights", "restock", days, shortOnly]}
      fetchPage={(cursor, limit) =>
        unwrapJson(
          api.GET("/v1/insights/restock", {
            params: { query: { days, short_only: shortOnly, sort: sort.by, order: sort.order, limit, cursor } },
          }),
        )
      }
      csvUrl={`/v1/insights/restock?${new URLSearchParams(query)}`}
      csvName={`restock-${days}d.csv`}
      rowKey={(l) => l.part_id}
      sort={sort}
      onSort={(s) => setSort(s ?? DEFAULT_SORT)}
      summary={(r) => fill(m.restockSummary, { from: r.from, to: r.to, parts: r.parts, short: r.short_parts })}
      extra={
        <Space wrap>
          <span>{m.days}</span>
          <Radio.Group value={days} optionType="button" size="small" onChange={(e) => setDays(Number(e.target.value))}>
            {DAYS.map((d) => (
              <Radio.Button key={d} value={d}>
                {fill(m.daysN, { n: d })}
              </Radio.Button>
            ))}
          </Radio.Group>
          <Switch size="small" checked={shortOnly} onChange={setShortOnly} /> {m.shortOnly}
        </Space>
      }
      columns={[
        {
          title: m.part,
          key: "part",
          width: 240,
          render: (_, l) => (
            <Space direction="vertical" size={0}>
              <Typography.Text>{l.name}</Typography.Text>
              <Typography.Text type="secondary">
                {l.sku}
                {l.brand ? ` · ${l.brand}` : ""}
              </Typography.Text>
            </Space>
          ),
        },
        { title: m.expected, sortKey: "expected_quantity", align: "right", render: (_, l) => l.expected_quantity },
        { title: m.stock, key: "stock", align: "right", render: (_, l) => l.stock },
        { title: m.reserved, key: "reserved", align: "right", render: (_, l) => l.reserved },
        { title: m.owed, key: "owed", align: "right", render: (_, l) => l.owed },
        { title: m.available, key: "available", align: "right", render: (_, l) => l.available },
        {
          title: m.shortfall,
          sortKey: "shortfall",
          align: "right",
          render: (_, l) => (
            <Typography.Text strong={l.shortfall > 0} type={l.shortfall > 0 ? "danger" : undefined} data-testid={`insights-restock-shortfall-${l.sku}`}>
              {l.shortfall}
            </Typography.Text>
          ),
        },
        {
          title: m.customers,
          sortKey: "customers",
          render: (_, l) => (
            <Typography.Text type="secondary">
              {l.customers
                .slice(0, CUSTOMERS_SHOWN)
                .map((c) => `${c.name} ×${c.quantity} (${c.expected_on})`)
                .join("，")}
              {l.customers.length > CUSTOMERS_SHOWN ? ` ${fill(m.moreCustomers, { n: l.customers.length })}` : ""}
              {l.background_quantity > 0
                ? `${l.customers.length > 0 ? "；" : ""}${fill(m.background, { n: l.background_quantity })}`
                : ""}
            </Typography.Text>
          ),
        },
      ]}
    />
  );
}
