import { Card, Col, Empty, Row, Segmented } from "antd";
import { useMemo } from "react";
import { fill, useLocale, useMessages } from "../../i18n";
import { formatDuration, formatRate } from "../../lib/format";
import { chartOption, durationUnit, type ChartStyle } from "./chartOption";
import { Defined } from "./definitions";
import { EChart } from "./EChart";
import { figuresMessages, type FiguresMessages } from "./messages";
import type { Interval } from "./period";
import { FIGURE_KIND, seriesValues, type FigureKey, type FigureKind, type Point } from "./series";

type MessageKey = keyof FiguresMessages;

interface ChartSpec {
  /** The test id is `figures-chart-<name>`. */
  name: string;
  title: MessageKey;
  definitions: MessageKey[];
  lines: { key: FigureKey; label: MessageKey; color: string }[];
  /** Drawn across the whole row. */
  wide?: boolean;
}

const CHARTS: ChartSpec[] = [
  {
    name: "quote-rate",
    title: "quoteRate",
    definitions: ["defQuoteRate", "fieldQuoteRate"],
    lines: [{ key: "quote_rate", label: "quoteRate", color: "#1f6feb" }],
  },
  {
    name: "purchase-rate",
    title: "purchaseRate",
    definitions: ["defPurchaseRate", "fieldPurchaseRate"],
    lines: [{ key: "purchase_rate", label: "purchaseRate", color: "#13a8a8" }],
  },
  {
    name: "response-time",
    title: "responseTime",
    definitions: ["defResponseTime", "fieldResponseP50", "fieldResponseP90", "defPercentiles"],
    lines: [
      { key: "response_time_p50_seconds", label: "p50", color: "#722ed1" },
      { key: "response_time_p90_seconds", label: "p90", color: "#fa8c16" },
    ],
  },
  {
    name: "auto-match",
    title: "autoMatchRate",
    definitions: ["defAutoMatchRate", "fieldAutoMatchRate", "defConfident"],
    lines: [{ key: "auto_match_rate", label: "autoMatchRate", color: "#389e0d" }],
  },
  {
    name: "on-time-rate",
    title: "onTimeRate",
    definitions: ["defOnTimeRate", "defOrderPeriod"],
    lines: [{ key: "on_time_rate", label: "onTimeRate", color: "#08979c" }],
  },
  {
    name: "order-to-delivery",
    title: "orderToDelivery",
    definitions: ["defOrderTimes", "defPercentiles"],
    lines: [
      { key: "order_to_delivery_p50_seconds", label: "p50", color: "#722ed1" },
      { key: "order_to_delivery_p90_seconds", label: "p90", color: "#fa8c16" },
    ],
  },
  {
    name: "volume",
    title: "volume",
    definitions: ["fieldQuotedLines"],
    lines: [
      { key: "inquiry_lines", label: "inquiryLines", color: "#2f54eb" },
      { key: "quoted_lines", label: "quotedLines", color: "#13a8a8" },
    ],
    wide: true,
  },
];

function FigureChart({ spec, points, interval, style }: { spec: ChartSpec; points: Point[]; interval: Interval; style: ChartStyle }) {
  const m = useMessages(figuresMessages);
  const { locale } = useLocale();
  const kind: FigureKind = FIGURE_KIND[spec.lines[0].key];
  const option = useMemo(() => {
    const format = (value: number) =>
      kind === "rate" ? formatRate(value) : kind === "duration" ? formatDuration(value, locale) : value.toLocaleString(locale);
    let axisFormat = format;
    let scale = 1;
    if (kind === "rate") {
      axisFormat = (value) => `${Math.round(value * 100)}%`;
    } else if (kind === "duration") {
      const longest = Math.max(
        0,
        ...spec.lines.flatMap((line) => {
          const values = seriesValues(points, line.key);
          return [...values.current, ...values.previous].filter((v): v is number => v !== null);
        }),
      );
      const chosen = durationUnit(longest);
      scale = chosen.scale;
      const unit = { seconds: m.unitSeconds, minutes: m.unitMinutes, hours: m.unitHours }[chosen.unit];
      axisFormat = (value) => fill(unit, { n: Number(value.toFixed(2)) });
    }
    return chartOption({
      points,
      interval,
      style,
      lines: spec.lines.map((line) => ({ key: line.key, name: m[line.label], color: line.color })),
      previousName: (name) => fill(m.previousSeries, { name }),
      format,
      axisFormat,
      isRate: kind === "rate",
      scale,
    });
  }, [points, interval, style, spec, kind, m, locale]);
  const hasData = points.some((p) => spec.lines.some((line) => p.current.figures[line.key] != null));
  return (
    <Card size="small" title={<Defined label={m[spec.title]} definitions={spec.definitions} />} data-testid={`figures-chart-${spec.name}`}>
      {hasData ? (
        <EChart option={option} label={m[spec.title]} />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={m.noActivity} style={{ height: 228 }} />
      )}
    </Card>
  );
}

/** The figures as charts by day, week or month, each with the previous period as a ghost series. */
export function FigureCharts({ points, interval, style }: { points: Point[]; interval: Interval; style: ChartStyle }) {
  return (
    <Row gutter={[12, 12]}>
      {CHARTS.map((spec) => (
        <Col key={spec.name} xs={24} xl={spec.wide ? 24 : 12}>
          <FigureChart spec={spec} points={points} interval={interval} style={style} />
        </Col>
      ))}
    </Row>
  );
}

/** Lines or bars, for every chart of the page. */
export function ChartStyleSwitch({ value, onChange }: { value: ChartStyle; onChange: (style: ChartStyle) => void }) {
  const m = useMessages(figuresMessages);
  return (
    <Segmented<ChartStyle>
      data-testid="figures-chart-style"
      value={value}
      onChange={onChange}
      options={[
        { value: "line", label: m.chartLine },
        { value: "bar", label: m.chartBar },
      ]}
    />
  );
}
