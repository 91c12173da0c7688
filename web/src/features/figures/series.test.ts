import { describe, expect, it } from "vitest";
import { emptyFigures } from "./fixtures";
import { alignPrevious, bucketLabel, change, higherIsBetter, matchingPrevious, pointsFor, seriesValues, type Bucket, type Figures } from "./series";

const figures = emptyFigures;

function bucket(from: string, to: string, overrides: Partial<Figures> = {}): Bucket {
  return { from, to, figures: figures(overrides) };
}

describe("the previous period as a ghost series", () => {
  it("puts each day beside the same day one period earlier", () => {
    const current = [bucket("2026-12-01", "2026-12-01"), bucket("2026-12-02", "2026-12-02"), bucket("2026-12-03", "2026-12-03")];
    const previous = [bucket("2026-11-28", "2026-11-28"), bucket("2026-11-29", "2026-11-29"), bucket("2026-11-30", "2026-11-30")];
    const points = alignPrevious(current, previous, 3);
    expect(points.map((p) => p.previous?.from)).toEqual(["2026-11-28", "2026-11-29", "2026-11-30"]);
  });

  it("compares calendar weeks and months with the bucket covering most of the same days", () => {
    // This month so far (15 days) by month: one bucket, against the 15 days before it, which
    // fall in November.
    const month = alignPrevious([bucket("2026-12-01", "2026-12-15")], [bucket("2026-11-16", "2026-11-30")], 15);
    expect(month[0].previous?.from).toBe("2026-11-16");

    // 10 days from a Wednesday by week: the previous 10 days start on a Sunday and are cut
    // into three weeks; each current week takes the previous week it overlaps most.
    const current = [bucket("2026-12-02", "2026-12-06"), bucket("2026-12-07", "2026-12-11")];
    const previous = [bucket("2026-11-22", "2026-11-22"), bucket("2026-11-23", "2026-11-29"), bucket("2026-11-30", "2026-12-01")];
    expect(alignPrevious(current, previous, 10).map((p) => p.previous?.from)).toEqual(["2026-11-23", "2026-11-23"]);

    // A quarter by month against the quarter before.
    const quarter = alignPrevious(
      [bucket("2026-01-01", "2026-01-31"), bucket("2026-02-01", "2026-02-28"), bucket("2026-03-01", "2026-03-31")],
      [bucket("2025-10-03", "2025-10-31"), bucket("2025-11-01", "2025-11-30"), bucket("2025-12-01", "2025-12-31")],
      90,
    );
    expect(quarter.map((p) => p.previous?.from)).toEqual(["2025-10-03", "2025-11-01", "2025-12-01"]);
  });

  it("has no ghost without a previous series, and keeps missing rates missing", () => {
    const current = [bucket("2026-12-01", "2026-12-01", { quote_rate: 0.5 }), bucket("2026-12-02", "2026-12-02")];
    expect(alignPrevious(current, undefined, 2).every((p) => p.previous === null)).toBe(true);
    const points = alignPrevious(current, [bucket("2026-11-29", "2026-11-29"), bucket("2026-11-30", "2026-11-30", { quote_rate: 1 })], 2);
    expect(seriesValues(points, "quote_rate")).toEqual({ current: [0.5, null], previous: [null, 1] });
    expect(seriesValues(points, "inquiries")).toEqual({ current: [0, 0], previous: [0, 0] });
  });
});

describe("labels and changes", () => {
  it("labels buckets by their first day, or month", () => {
    expect(bucketLabel({ from: "2026-12-07" }, "day", false)).toBe("12-07");
    expect(bucketLabel({ from: "2026-12-07" }, "week", true)).toBe("2026-12-07");
    expect(bucketLabel({ from: "2026-12-01" }, "month", false)).toBe("2026-12");
  });

  it("computes the change against the previous period like the API's trend", () => {
    const now = figures({ quote_rate: 0.85, response_time_p50_seconds: 300 });
    const before = figures({ quote_rate: 0.8, response_time_p50_seconds: 420 });
    expect(change(now, before, "quote_rate")).toBe(0.05);
    expect(change(now, before, "response_time_p50_seconds")).toBe(-120);
    expect(change(now, before, "purchase_rate")).toBeNull();
    expect(change(now, undefined, "quote_rate")).toBeNull();
  });
});

describe("which way is better", () => {
  it("is up for rates and volumes, down for times, shortfalls and returns", () => {
    expect(higherIsBetter("quote_rate")).toBe(true);
    expect(higherIsBetter("on_time_rate")).toBe(true);
    expect(higherIsBetter("fill_rate")).toBe(true);
    expect(higherIsBetter("units_delivered")).toBe(true);
    expect(higherIsBetter("response_time_p50_seconds")).toBe(false);
    expect(higherIsBetter("order_to_delivery_p90_seconds")).toBe(false);
    expect(higherIsBetter("backorder_rate")).toBe(false);
    expect(higherIsBetter("return_rate")).toBe(false);
    expect(higherIsBetter("returned_units")).toBe(false);
  });
});

describe("the previous answer on screen", () => {
  const answer = (from: string, to: string, interval: "day" | "week" = "day") => ({
    from,
    to,
    interval,
    series: [bucket(from, to, { inquiries: 1 })],
  });

  it("is used only when it is the period just before, by the same interval", () => {
    const current = answer("2026-12-01", "2026-12-07");
    expect(matchingPrevious(current, answer("2026-11-24", "2026-11-30"))).toBeDefined();
    expect(matchingPrevious(current, answer("2026-11-01", "2026-11-30"))).toBeUndefined();
    expect(matchingPrevious(current, answer("2026-11-24", "2026-11-30", "week"))).toBeUndefined();
    expect(pointsFor(current, answer("2026-11-01", "2026-11-30"))[0].previous).toBeNull();
    expect(pointsFor(current, answer("2026-11-24", "2026-11-30"))[0].previous?.from).toBe("2026-11-24");
    expect(pointsFor(undefined, undefined)).toEqual([]);
  });
});
