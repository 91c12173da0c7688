import { ArrowDownOutlined, ArrowUpOutlined } from "@ant-design/icons";
import { Card, Col, Flex, Row, Statistic, Typography } from "antd";
import { fill, useLocale, useMessages } from "../../i18n";
import { formatDuration, formatMoney, formatRate } from "../../lib/format";
import { DELIVERY_KPIS, Defined, KPIS, useFigureFormat } from "./definitions";
import { figuresMessages } from "./messages";
import { change, FIGURE_KIND, higherIsBetter, type FigureKey, type Figures, type ReturnReason } from "./series";

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

type Kpi = (typeof KPIS)[number];

/** One row of headline cards, each with its definitions and its change since the previous period. */
function KpiRow({ kpis, current, previous }: { kpis: readonly Kpi[]; current: Figures; previous?: Figures }) {
  const m = useMessages(figuresMessages);
  const format = useFigureFormat();
  return (
    <Row gutter={[12, 12]}>
      {kpis.map((kpi) => (
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
  );
}

const REASONS: readonly ReturnReason[] = ["wrong_part", "wrong_fitment", "defective", "damaged_in_transit", "not_needed", "other"];

/** Returned units per reason, most first, with each reason's share of the units delivered. */
function ReturnReasons({ current }: { current: Figures }) {
  const m = useMessages(figuresMessages);
  const { locale } = useLocale();
  const reasons = REASONS.filter((r) => current.returned_units_by_reason[r] > 0).sort(
    (a, b) => current.returned_units_by_reason[b] - current.returned_units_by_reason[a],
  );
  return (
    <Card size="small" data-testid="kpi-return-reasons" style={{ height: "100%" }}>
      <Typography.Text type="secondary">
        <Defined label={m.returnsByReason} definitions={["defReturnRate", "defOrderPeriod"]} />
      </Typography.Text>
      {reasons.length === 0 ? (
        <div style={{ fontSize: 20, marginTop: 4 }}>—</div>
      ) : (
        <Flex vertical gap={2} style={{ marginTop: 4 }}>
          {reasons.map((reason) => (
            <Flex key={reason} justify="space-between" gap={12} data-testid={`kpi-return-reason-${reason}`}>
              <span>{m[`reason_${reason}`]}</span>
              <Typography.Text type="secondary">
                {fill(m.reasonCount, {
                  units: current.returned_units_by_reason[reason].toLocaleString(locale),
                  rate: formatRate(current.return_rate_by_reason[reason] ?? 0),
                })}
              </Typography.Text>
            </Flex>
          ))}
        </Flex>
      )}
    </Card>
  );
}

/**
 * The headline figures (quote rate, purchase rate, response time p50/p90, auto-match rate) as
 * cards with the API's definitions and the change since the previous period, then the volumes,
 * then how orders reach the shop and how returns are made right.
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
  const deliveryVolumes: { id: string; key: FigureKey; label: string }[] = [
    { id: "units-ordered", key: "units_ordered", label: m.unitsOrdered },
    { id: "units-delivered", key: "units_delivered", label: m.unitsDelivered },
    { id: "units-backordered", key: "units_backordered", label: m.unitsBackordered },
    { id: "returns", key: "returns", label: m.returnsOpened },
    { id: "returned-units", key: "returned_units", label: m.returnedUnits },
  ];
  const proactive: { id: string; key: FigureKey; label: string }[] = [
    { id: "proactive-sent", key: "proactive_quotes_sent", label: m.proactiveSent },
    { id: "proactive-accepted", key: "proactive_quotes_accepted", label: m.proactiveAccepted },
    { id: "proactive-rate", key: "proactive_acceptance_rate", label: m.proactiveRate },
  ];
  const volumeCards = (list: { id: string; key: FigureKey; label: string }[]) =>
    list.map((v) => (
      <Col key={v.id} flex="1 1 160px">
        <Card size="small" data-testid={`kpi-${v.id}`}>
          <Statistic title={v.label} value={format(v.key, current[v.key])} styles={{ content: { fontSize: 20 } }} />
          <Change figureKey={v.key} current={current} previous={previous} />
        </Card>
      </Col>
    ));
  return (
    <div>
      <KpiRow kpis={KPIS} current={current} previous={previous} />
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        {volumeCards(volumes)}
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
      <Typography.Title level={5} style={{ margin: "20px 0 12px" }} data-testid="figures-proactive-title">
        <Defined label={m.proactiveTitle} definitions={["fieldProactive"]} />
      </Typography.Title>
      <Row gutter={[12, 12]}>
        {volumeCards(proactive)}
        <Col flex="1 1 160px">
          <Card size="small" data-testid="kpi-proactive-value">
            <Statistic title={m.proactiveValue} value={formatMoney(current.proactive_value, currency)} styles={{ content: { fontSize: 20 } }} />
            {previous ? (
              <Typography.Text type="secondary">
                {fill(m.previousValue, { value: formatMoney(previous.proactive_value, currency) })}
              </Typography.Text>
            ) : (
              <Typography.Text type="secondary">&nbsp;</Typography.Text>
            )}
          </Card>
        </Col>
      </Row>
      <Typography.Title level={5} style={{ margin: "20px 0 12px" }} data-testid="figures-delivery-title">
        {m.deliveryTitle}
      </Typography.Title>
      <KpiRow kpis={DELIVERY_KPIS} current={current} previous={previous} />
      <Row gutter={[12, 12]} style={{ marginTop: 12 }}>
        {volumeCards(deliveryVolumes)}
        <Col flex="1 1 240px">
          <ReturnReasons current={current} />
        </Col>
      </Row>
    </div>
  );
}
