import { describe, expect, it } from "vitest";
import type { LineSeriesOption } from "echarts/charts";
import { chartOption, durationUnit, faded } from "./chartOption";
import { emptyFigures } from "./fixtures";
import type { Point } from "./series";

const empty = emptyFigures();

const points: Point[] = [
  {
    current: { from: "2026-12-01", to: "2026-12-01", figures: { ...empty, quote_rate: 0.9 } },
    previous: { from: "2026-11-29", to: "2026-11-29", figures: { ...empty, quote_rate: 0.8 } },
  },
  {
    current: { from: "2026-12-02", to: "2026-12-02", figures: { ...empty, quote_rate: null } },
    previous: { from: "2026-11-30", to: "2026-11-30", figures: { ...empty, quote_rate: 0.7 } },
  },
];

const input = {
  points,
  interval: "day" as const,
  lines: [{ key: "quote_rate" as const, name: "报出率", color: "#1f6feb" }],
  style: "line" as const,
  previousName: (name: string) => `${name}（上期）`,
  format: (v: number) => `${(v * 100).toFixed(1)}%`,
  axisFormat: (v: number) => `${v * 100}%`,
  isRate: true,
};

describe("chart options", () => {
  it("draws the period solid and the previous period as a dashed, faded ghost", () => {
    const option = chartOption(input);
    const series = option.series as LineSeriesOption[];
    expect(series.map((s) => s.name)).toEqual(["报出率", "报出率（上期）"]);
    expect(series[0].data).toEqual([0.9, null]);
    expect(series[1].data).toEqual([0.8, 0.7]);
    expect(series[0].lineStyle?.type).toBeUndefined();
    expect(series[1].lineStyle?.type).toBe("dashed");
    expect(series[1].color).toBe("rgba(31, 111, 235, 0.45)");
    expect(option.xAxis).toMatchObject({ data: ["12-01", "12-02"] });
    expect(option.yAxis).toMatchObject({ min: 0, max: 1 });
  });

  it("names both buckets' days in the tooltip", () => {
    const option = chartOption(input);
    const tooltip = option.tooltip as { formatter: (params: unknown) => string };
    const html = tooltip.formatter([{ dataIndex: 1 }]);
    expect(html).toContain("2026-12-02");
    expect(html).toContain("2026-11-30");
    expect(html).toContain("70.0%");
    expect(html).toContain("—");
  });

  it("has no ghost when there is no previous period, and draws bars on request", () => {
    const option = chartOption({ ...input, style: "bar", points: points.map((p) => ({ ...p, previous: null })) });
    const series = option.series as { type: string }[];
    expect(series).toHaveLength(1);
    expect(series[0].type).toBe("bar");
  });

  it("fades a colour", () => {
    expect(faded("#ff8000", 0.5)).toBe("rgba(255, 128, 0, 0.5)");
  });
});

describe("response-time axes", () => {
  it("read in seconds, minutes or hours by the longest time drawn", () => {
    expect(durationUnit(90)).toEqual({ unit: "seconds", scale: 1 });
    expect(durationUnit(120)).toEqual({ unit: "minutes", scale: 60 });
    expect(durationUnit(9221)).toEqual({ unit: "hours", scale: 3600 });
  });

  it("draw scaled values but show the real ones in the tooltip", () => {
    const option = chartOption({
      ...input,
      isRate: false,
      scale: 60,
      format: (v: number) => `${v}s`,
      points: [{ current: { from: "2026-12-01", to: "2026-12-01", figures: { ...empty, quote_rate: 300 } }, previous: null }],
    });
    expect((option.series as LineSeriesOption[])[0].data).toEqual([5]);
    const tooltip = option.tooltip as { formatter: (params: unknown) => string };
    expect(tooltip.formatter([{ dataIndex: 0 }])).toContain("300s");
  });
});
