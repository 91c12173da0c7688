import type { BarSeriesOption, LineSeriesOption } from "echarts/charts";
import type {
  AriaComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
} from "echarts/components";
import type { ComposeOption } from "echarts/core";
import type { Interval } from "./period";
import { bucketLabel, bucketRange, seriesValues, type FigureKey, type Point } from "./series";

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | AriaComponentOption
>;

export type ChartStyle = "line" | "bar";

export interface ChartLine {
  key: FigureKey;
  name: string;
  /** `#rrggbb`; the previous period is drawn in the same hue, faded and dashed. */
  color: string;
}

export interface ChartInput {
  points: Point[];
  interval: Interval;
  lines: ChartLine[];
  style: ChartStyle;
  /** The ghost series' name for a line's name, e.g. `报出率（上期）`. */
  previousName: (name: string) => string;
  /** A value as the tooltip shows it. */
  format: (value: number) => string;
  /** A value on the y axis. */
  axisFormat: (value: number) => string;
  /** Rates are drawn on a 0-100 % axis. */
  isRate: boolean;
  /**
   * Values are drawn divided by this (response times in minutes or hours, so the axis gets round
   * ticks); the tooltip still shows them as they are.
   */
  scale?: number;
}

export type DurationUnit = "seconds" | "minutes" | "hours";

/** The unit a response-time axis reads best in, from the longest time drawn. */
export function durationUnit(maxSeconds: number): { unit: DurationUnit; scale: number } {
  if (maxSeconds >= 2 * 3600) return { unit: "hours", scale: 3600 };
  if (maxSeconds >= 120) return { unit: "minutes", scale: 60 };
  return { unit: "seconds", scale: 1 };
}

/** `#1f6feb` → `rgba(31, 111, 235, 0.4)`: the muted colour of a ghost series. */
export function faded(hex: string, alpha: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The ECharts option of one figure chart: each line of the period drawn solid, and the same line
 * of the previous period as a ghost (dashed and faded for lines, faded with a dashed outline for
 * bars), aligned bucket by bucket; the tooltip names both buckets' days.
 */
export function chartOption(input: ChartInput): ChartOption {
  const { points, interval, lines, style } = input;
  const spansYears = points.length > 0 && points[0].current.from.slice(0, 4) !== points[points.length - 1].current.to.slice(0, 4);
  const labels = points.map((p) => bucketLabel(p.current, interval, spansYears));
  const hasPrevious = points.some((p) => p.previous !== null);
  const values = lines.map((line) => seriesValues(points, line.key));
  const scale = input.scale ?? 1;
  const drawn = (data: (number | null)[]) => (scale === 1 ? data : data.map((v) => (v === null ? null : v / scale)));
  const showSymbols = points.length <= 31;

  const series: (LineSeriesOption | BarSeriesOption)[] = [];
  lines.forEach((line, i) => {
    if (style === "line") {
      series.push({
        type: "line",
        name: line.name,
        data: drawn(values[i].current),
        color: line.color,
        lineStyle: { width: 2, color: line.color },
        showSymbol: showSymbols,
        connectNulls: false,
        z: 3,
      });
      if (hasPrevious) {
        series.push({
          type: "line",
          name: input.previousName(line.name),
          data: drawn(values[i].previous),
          color: faded(line.color, 0.45),
          lineStyle: { width: 1.5, type: "dashed", color: faded(line.color, 0.45) },
          showSymbol: false,
          connectNulls: false,
          z: 2,
        });
      }
    } else {
      series.push({
        type: "bar",
        name: line.name,
        data: drawn(values[i].current),
        color: line.color,
        barMaxWidth: 24,
        z: 3,
      });
      if (hasPrevious) {
        series.push({
          type: "bar",
          name: input.previousName(line.name),
          data: drawn(values[i].previous),
          color: faded(line.color, 0.18),
          itemStyle: { color: faded(line.color, 0.18), borderColor: faded(line.color, 0.6), borderType: "dashed", borderWidth: 1 },
          barMaxWidth: 24,
          z: 2,
        });
      }
    }
  });

  const formatValue = (value: number | null) => (value === null ? "—" : input.format(value));
  const tooltipRow = (color: string, name: string, range: string, value: number | null) =>
    `<div style="display:flex;gap:12px;justify-content:space-between"><span><span style="display:inline-block;width:8px;height:8px;border-radius:4px;margin-right:6px;background:${color}"></span>${escapeHtml(name)} <span style="color:#8c8c8c">${escapeHtml(range)}</span></span><b>${escapeHtml(formatValue(value))}</b></div>`;

  return {
    aria: { enabled: true },
    animation: false,
    grid: { left: 8, right: 16, top: 40, bottom: 8 },
    legend: { top: 0, type: "scroll", itemHeight: 10 },
    tooltip: {
      trigger: "axis",
      confine: true,
      formatter: (params: unknown) => {
        const first = Array.isArray(params) ? params[0] : params;
        const index = (first as { dataIndex?: number } | undefined)?.dataIndex ?? -1;
        const point = points[index];
        if (!point) return "";
        const rows: string[] = [];
        lines.forEach((line, i) => {
          rows.push(tooltipRow(line.color, line.name, bucketRange(point.current), values[i].current[index]));
          if (point.previous) {
            rows.push(
              tooltipRow(faded(line.color, 0.45), input.previousName(line.name), bucketRange(point.previous), values[i].previous[index]),
            );
          }
        });
        return rows.join("");
      },
    },
    xAxis: { type: "category", data: labels, boundaryGap: style === "bar" },
    yAxis: {
      type: "value",
      min: 0,
      max: input.isRate ? 1 : undefined,
      minInterval: input.isRate ? undefined : 1,
      axisLabel: { formatter: (value: number) => input.axisFormat(value) },
    },
    series,
  };
}
