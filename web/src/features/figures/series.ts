import type { Schemas } from "../../api/client";
import { addDays, daysBetween, periodDays, previousPeriod, type Interval } from "./period";

export type Figures = Schemas["Figures"];
export type Bucket = Schemas["Bucket"];

/** The figures drawn as series: every numeric field of `Figures` (order value is money, and the per-reason returns are objects). */
export type FigureKey = Exclude<
  keyof Figures,
  "order_value" | "proactive_value" | "returned_units_by_reason" | "return_rate_by_reason"
>;

/** A return reason, as the API names it. */
export type ReturnReason = keyof Figures["returned_units_by_reason"];

export type FigureKind = "rate" | "duration" | "count";

export const FIGURE_KIND: Record<FigureKey, FigureKind> = {
  inquiries: "count",
  inquiry_lines: "count",
  quoted_lines: "count",
  bought_lines: "count",
  auto_matched_lines: "count",
  orders: "count",
  reminders_raised: "count",
  reminders_converted: "count",
  quote_rate: "rate",
  purchase_rate: "rate",
  auto_match_rate: "rate",
  reminder_conversion_rate: "rate",
  response_time_p50_seconds: "duration",
  response_time_p90_seconds: "duration",
  units_ordered: "count",
  units_backordered: "count",
  backorder_rate: "rate",
  units_cancelled_by_shop: "count",
  units_delivered: "count",
  fill_rate: "rate",
  orders_dispatched: "count",
  order_to_dispatch_p50_seconds: "duration",
  order_to_dispatch_p90_seconds: "duration",
  orders_delivered: "count",
  order_to_delivery_p50_seconds: "duration",
  order_to_delivery_p90_seconds: "duration",
  shipments_promised: "count",
  shipments_on_time: "count",
  on_time_rate: "rate",
  returns: "count",
  returned_units: "count",
  return_rate: "rate",
  returns_resolved: "count",
  return_resolution_p50_seconds: "duration",
  return_resolution_p90_seconds: "duration",
  proactive_quotes_sent: "count",
  proactive_quotes_accepted: "count",
  proactive_acceptance_rate: "rate",
};

/** Figures where less is better besides the times: shortfalls, cancellations and returns. */
const LOWER_IS_BETTER = new Set<FigureKey>([
  "units_backordered",
  "backorder_rate",
  "units_cancelled_by_shop",
  "returns",
  "returned_units",
  "return_rate",
]);

/** Whether more is better (rates, volumes) or worse (times, backorders, returns). */
export function higherIsBetter(key: FigureKey): boolean {
  return FIGURE_KIND[key] !== "duration" && !LOWER_IS_BETTER.has(key);
}

/** A figure's value; `null` where the API has none (a rate without a denominator). */
export function figureValue(figures: Figures, key: FigureKey): number | null {
  return figures[key] ?? null;
}

/** Current minus previous, `null` when either is missing; rounded like the API's trend. */
export function change(current: Figures, previous: Figures | undefined, key: FigureKey): number | null {
  if (!previous) return null;
  const a = figureValue(current, key);
  const b = figureValue(previous, key);
  if (a === null || b === null) return null;
  return Math.round((a - b) * 10_000) / 10_000;
}

/** One point of a chart: a bucket of the period and the bucket of the previous period it is compared with. */
export interface Point {
  current: Bucket;
  previous: Bucket | null;
}

function overlapDays(a: { from: string; to: string }, b: { from: string; to: string }): number {
  const from = a.from > b.from ? a.from : b.from;
  const to = a.to < b.to ? a.to : b.to;
  return from > to ? 0 : daysBetween(from, to) + 1;
}

/**
 * Puts the previous period's buckets beside the current ones. Each current bucket is moved back
 * by the period's length and compared with the previous bucket covering most of those days (the
 * earliest on a tie): by day this is the same day a period earlier, and by week or month the
 * calendar bucket it falls in, even when the two periods cut weeks or months differently.
 */
export function alignPrevious(current: Bucket[], previous: Bucket[] | undefined, shiftDays: number): Point[] {
  return current.map((bucket) => {
    if (!previous?.length) return { current: bucket, previous: null };
    const shifted = { from: addDays(bucket.from, -shiftDays), to: addDays(bucket.to, -shiftDays) };
    let best: Bucket | null = null;
    let bestOverlap = 0;
    for (const candidate of previous) {
      const overlap = overlapDays(shifted, candidate);
      if (overlap > bestOverlap) {
        best = candidate;
        bestOverlap = overlap;
      }
    }
    return { current: bucket, previous: best };
  });
}

/** The values of one figure along the points, current and previous. */
export function seriesValues(points: Point[], key: FigureKey): { current: (number | null)[]; previous: (number | null)[] } {
  return {
    current: points.map((p) => figureValue(p.current.figures, key)),
    previous: points.map((p) => (p.previous ? figureValue(p.previous.figures, key) : null)),
  };
}

/** The axis label of a bucket: `12-07` by day and week (the week's Monday or the period's first day), `2026-12` by month. */
export function bucketLabel(bucket: { from: string }, interval: Interval, spansYears: boolean): string {
  if (interval === "month") return bucket.from.slice(0, 7);
  return spansYears ? bucket.from : bucket.from.slice(5);
}

/** A bucket's days as a reader sees them: one day, or `from ~ to`. */
export function bucketRange(bucket: { from: string; to: string }): string {
  return bucket.from === bucket.to ? bucket.from : `${bucket.from} ~ ${bucket.to}`;
}

/** An answer with a period, an interval and a series (`SummaryResponse`, `CustomerMetrics`). */
interface SeriesAnswer {
  from: string;
  to: string;
  interval: Interval;
  series: Bucket[];
}

/**
 * The previous period's answer, if it is for the period just before `current` with the same
 * interval: while a new period loads, an answer for an older choice may still be on screen.
 */
export function matchingPrevious<T extends Omit<SeriesAnswer, "series">>(
  current: Omit<SeriesAnswer, "series">,
  previous: T | undefined,
): T | undefined {
  const expected = previousPeriod(current);
  return previous && previous.from === expected.from && previous.to === expected.to && previous.interval === current.interval
    ? previous
    : undefined;
}

/** The chart points of a period, with the previous period's series as ghost when it matches. */
export function pointsFor(current: SeriesAnswer | undefined, previous: SeriesAnswer | undefined): Point[] {
  if (!current) return [];
  return alignPrevious(current.series, matchingPrevious(current, previous)?.series, periodDays(current));
}
