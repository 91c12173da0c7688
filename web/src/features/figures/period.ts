import { dayjs } from "../../lib/format";

/** A period of whole days in the dealer's time zone, both ends included (`YYYY-MM-DD`). */
export interface Period {
  from: string;
  to: string;
}

export type Preset = "week" | "month" | "last30" | "custom";
export type Interval = "day" | "week" | "month";

export const PRESETS: readonly Preset[] = ["week", "month", "last30", "custom"];
export const INTERVALS: readonly Interval[] = ["day", "week", "month"];

/** The server's limits: a period of at most 731 days, a series of at most 400 buckets. */
export const PERIOD_DAYS_MAX = 731;
export const BUCKETS_MAX = 400;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Calendar arithmetic on plain dates, in UTC so no browser zone or DST shift can move a day. */
function day(text: string) {
  return dayjs.utc(text);
}

function isDay(text: string | null | undefined): text is string {
  return !!text && DAY.test(text) && day(text).isValid() && day(text).format("YYYY-MM-DD") === text;
}

export function addDays(date: string, n: number): string {
  return day(date).add(n, "day").format("YYYY-MM-DD");
}

/** Days from `a` to `b` (positive when `b` is later). */
export function daysBetween(a: string, b: string): number {
  return day(b).diff(day(a), "day");
}

/** Today in the dealer's time zone, whatever the browser's zone is. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  return dayjs(now).tz(timeZone).format("YYYY-MM-DD");
}

/** Days in a period, both ends counted. */
export function periodDays(period: Period): number {
  return daysBetween(period.from, period.to) + 1;
}

/**
 * The preset periods, ending today: this week (from Monday, as the server's weeks do), this
 * month, and the last 30 days (the server's default).
 */
export function presetPeriod(preset: Exclude<Preset, "custom">, today: string): Period {
  const t = day(today);
  switch (preset) {
    case "week":
      return { from: t.subtract((t.day() + 6) % 7, "day").format("YYYY-MM-DD"), to: today };
    case "month":
      return { from: t.startOf("month").format("YYYY-MM-DD"), to: today };
    case "last30":
      return { from: addDays(today, -29), to: today };
  }
}

/** The period of equal length just before, as the API compares a customer against. */
export function previousPeriod(period: Period): Period {
  const days = periodDays(period);
  return { from: addDays(period.from, -days), to: addDays(period.from, -1) };
}

/** How many buckets the server makes of a period: calendar days, weeks from Monday, months. */
export function bucketCount(period: Period, interval: Interval): number {
  const days = periodDays(period);
  if (interval === "day") return days;
  if (interval === "week") {
    const offset = (day(period.from).day() + 6) % 7;
    return Math.ceil((offset + days) / 7);
  }
  const from = day(period.from);
  const to = day(period.to);
  return (to.year() - from.year()) * 12 + (to.month() - from.month()) + 1;
}

/** The intervals the server accepts for a period (a series of at most 400 buckets). */
export function allowedIntervals(period: Period): Interval[] {
  return INTERVALS.filter((interval) => bucketCount(period, interval) <= BUCKETS_MAX);
}

/** A custom range the server accepts: ordered, at most 731 days, not past today. */
export function isValidRange(period: Period, today: string): boolean {
  return (
    isDay(period.from) &&
    isDay(period.to) &&
    period.from <= period.to &&
    period.to <= today &&
    periodDays(period) <= PERIOD_DAYS_MAX
  );
}

export interface PeriodChoice {
  preset: Preset;
  period: Period;
  interval: Interval;
}

/**
 * Reads the period from the page's query string (`?preset=month&interval=week`, or
 * `?preset=custom&from=…&to=…`); anything missing or invalid falls back to the last 30 days
 * by day, and an interval the period is too long for to the finest one allowed.
 */
export function readChoice(params: URLSearchParams, today: string): PeriodChoice {
  const rawPreset = params.get("preset");
  const preset: Preset = PRESETS.includes(rawPreset as Preset) ? (rawPreset as Preset) : "last30";
  let choice: { preset: Preset; period: Period };
  if (preset === "custom") {
    const period = { from: params.get("from") ?? "", to: params.get("to") ?? "" };
    choice = isValidRange(period, today)
      ? { preset, period }
      : { preset: "last30", period: presetPeriod("last30", today) };
  } else {
    choice = { preset, period: presetPeriod(preset, today) };
  }
  const rawInterval = params.get("interval");
  const allowed = allowedIntervals(choice.period);
  const interval = allowed.includes(rawInterval as Interval) ? (rawInterval as Interval) : allowed[0];
  return { ...choice, interval };
}

/** The query string of a choice, as `readChoice` reads it back. */
export function writeChoice(choice: PeriodChoice): URLSearchParams {
  const params = new URLSearchParams({ preset: choice.preset });
  if (choice.preset === "custom") {
    params.set("from", choice.period.from);
    params.set("to", choice.period.to);
  }
  params.set("interval", choice.interval);
  return params;
}

/**
 * The interval of a sparkline: few enough points to read in 64 pixels (days up to two weeks,
 * then weeks up to half a year, then months).
 */
export function sparklineInterval(period: Period): Interval {
  const days = periodDays(period);
  return days <= 14 ? "day" : days <= 183 ? "week" : "month";
}
