import { ArrowDownOutlined, ArrowUpOutlined } from "@ant-design/icons";
import { Card, Col, Row, Statistic, Typography } from "antd";
import { fill, useLocale, useMessages } from "../../i18n";
import { formatDuration, formatMoney } from "../../lib/format";
import { Defined, KPIS, useFigureFormat } from "./definitions";
import { figuresMessages } from "./messages";
import { change, FIGURE_KIND, higherIsBetter, type FigureKey, type Figures } from "./series";

/** How a figure moved since the previous period: points for rates, faster/slower for times. */
function Change({ figureKey, current, previous }: { figureKey: FigureKey; current: Figures; previous?: Figures }) {
  const m = useMessages(figuresMessages);
  const { locale } = useLocale();
  const format = useFigureFormat();
  const delta = change(current, previous, figureKey);
  if (!previous) return <Typography.Text type="secondary">&nbsp;</Typography.Text>;
  if (delta === null) return <Typography.Text type="secondary">{m.noComparison}</Typography.Text>;
  const before = fill(m.previousValue, { value: format(figureKey, previous[figureKey]) });
  if (delta === 0) {
    return (
      <Typography.Text type="secondary">
        {m.vsPrevious} {m.unchanged} · {before}
      </Typography.Text>
    );
  }
  const good = delta > 0 === higherIsBetter(figureKey);
  const kind = FIGURE_KIND[figureKey];
  const amount =
    kind === "rate"
      ? fill(m.points, { n: `${delta > 0 ? "+" : "-"}${(Math.abs(delta) * 100).toFixed(1)}` })
      : kind === "duration"
        ? fill(delta < 0 ? m.faster : m.slower, { d: formatDuration(Math.abs(delta), locale) })
        : `${delta > 0 ? "+" : "-"}${Math.abs(delta).toLocaleString(locale)}`;
  return (
    <Typography.Text type={good ? "success" : "danger"}>
      {delta > 0 ? <ArrowUpOutlined /> : <ArrowDownOutlined />} {m.vsPrevious} {amount}
      <Typography.Text type="secondary"> · {before}</Typography.Text>
    </Typography.Text>
  );
}

/**
 * The headline figures (quote rate, purchase rate, response time p50/p90, auto-match rate) as
 * cards with the API's definitions and the change since the previous period, then the volumes.
 */
export function KpiCards({ current, previous, currency }: { current: Figures; previous?: Figures; currency: string }) {
  const m = useMessages(figuresMessages);
  const format = useFigureFormat();
  const volumes: { id: string; key: FigureKey; label: string }[] = [
    { id: "inquiries", key: "inquiries", label: m.inquiries },
    { id: "inquiry-lines", key: "inquiry_lines", label: m.inquiryLines },
    { id: "orders", key: "orders", label: m.orders },
    { id: "reminders-converted", key: "reminders_converted", label: m.remindersConverted },
  ];
  return (
    <div>
      <Row gutter={[12, 12]}>
        {KPIS.map((kpi) => (
          <Col key={kpi.id} flex="1 1 200px">
            <Card size="small" data-testid={`kpi-${kpi.id}`}>
              <Statistic
                title={<Defined label={m[kpi.label]} definitions={kpi.definitions} />}
                value={format(kpi.key, current[kpi.key])}
              />
              <Change figureKey={kpi.key} current={current} previous={previous} />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        {volumes.map((v) => (
          <Col key={v.id} flex="1 1 160px">
            <Card size="small" data-testid={`kpi-${v.id}`}>
              <Statistic title={v.label} value={format(v.key, current[v.key])} styles={{ content: { fontSize: 20 } }} />
              <Change figureKey={v.key} current={current} previous={previous} />
            </Card>
          </Col>
        ))}
        <Col flex="1 1 160px">
          <Card size="small" data-testid="kpi-order-value">
            <Statistic
              title={<Defined label={m.orderValue} definitions={["fieldOrderValue"]} />}
              value={formatMoney(current.order_value, currency)}
              styles={{ content: { fontSize: 20 } }}
            />
            {previous ? (
              <Typography.Text type="secondary">
                {fill(m.previousValue, { value: formatMoney(previous.order_value, currency) })}
              </Typography.Text>
            ) : (
              <Typography.Text type="secondary">&nbsp;</Typography.Text>
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
