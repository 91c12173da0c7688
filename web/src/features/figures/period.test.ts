import { describe, expect, it } from "vitest";
import {
  allowedIntervals,
  bucketCount,
  isValidRange,
  presetPeriod,
  previousPeriod,
  readChoice,
  sparklineInterval,
  todayIn,
  writeChoice,
} from "./period";

describe("today in the dealer's zone", () => {
  it("is the dealer's calendar day, not the browser's", () => {
    // 16:30 UTC is already the next day in Shanghai, still the same day in Berlin.
    const now = new Date("2026-12-06T16:30:00Z");
    expect(todayIn("Asia/Shanghai", now)).toBe("2026-12-07");
    expect(todayIn("Europe/Berlin", now)).toBe("2026-12-06");
    expect(todayIn("America/Los_Angeles", new Date("2026-12-07T07:59:00Z"))).toBe("2026-12-06");
  });
});

describe("preset periods", () => {
  it("start this week on Monday, as the server's weeks do", () => {
    // 2026-12-06 is a Sunday, 2026-12-07 a Monday.
    expect(presetPeriod("week", "2026-12-06")).toEqual({ from: "2026-11-30", to: "2026-12-06" });
    expect(presetPeriod("week", "2026-12-07")).toEqual({ from: "2026-12-07", to: "2026-12-07" });
    expect(presetPeriod("week", "2026-12-10")).toEqual({ from: "2026-12-07", to: "2026-12-10" });
  });

  it("start this month on its first day and the last 30 days 29 days back", () => {
    expect(presetPeriod("month", "2026-12-07")).toEqual({ from: "2026-12-01", to: "2026-12-07" });
    expect(presetPeriod("last30", "2026-03-01")).toEqual({ from: "2026-01-31", to: "2026-03-01" });
  });

  it("do not shift across a daylight-saving change", () => {
    // Berlin's clocks go back on 2026-10-25.
    expect(presetPeriod("last30", "2026-11-05")).toEqual({ from: "2026-10-07", to: "2026-11-05" });
  });
});

describe("previous period", () => {
  it("is the period of equal length just before, as the server computes it", () => {
    expect(previousPeriod({ from: "2026-10-28", to: "2026-11-10" })).toEqual({ from: "2026-10-14", to: "2026-10-27" });
    expect(previousPeriod({ from: "2026-12-01", to: "2026-12-01" })).toEqual({ from: "2026-11-30", to: "2026-11-30" });
    expect(previousPeriod({ from: "2024-03-01", to: "2024-03-31" })).toEqual({ from: "2024-01-30", to: "2024-02-29" });
  });
});

describe("buckets", () => {
  it("are counted like the server's calendar buckets, clipped to the period", () => {
    const period = { from: "2026-10-28", to: "2026-11-10" };
    expect(bucketCount(period, "day")).toBe(14);
    expect(bucketCount(period, "week")).toBe(3);
    expect(bucketCount(period, "month")).toBe(2);
    expect(bucketCount({ from: "2026-11-30", to: "2026-12-06" }, "week")).toBe(1);
    expect(bucketCount({ from: "2025-12-15", to: "2026-01-05" }, "month")).toBe(2);
  });

  it("are coarse enough for a sparkline", () => {
    expect(sparklineInterval({ from: "2026-12-01", to: "2026-12-14" })).toBe("day");
    expect(sparklineInterval({ from: "2026-11-08", to: "2026-12-07" })).toBe("week");
    expect(sparklineInterval({ from: "2026-01-01", to: "2026-12-07" })).toBe("month");
  });

  it("forbid days past 400 buckets", () => {
    expect(allowedIntervals({ from: "2026-01-01", to: "2026-12-31" })).toEqual(["day", "week", "month"]);
    expect(allowedIntervals({ from: "2025-01-01", to: "2026-12-31" })).toEqual(["week", "month"]);
  });
});

describe("the period in the address", () => {
  const today = "2026-12-07";

  it("defaults to the last 30 days by day", () => {
    expect(readChoice(new URLSearchParams(""), today)).toEqual({
      preset: "last30",
      period: { from: "2026-11-08", to: "2026-12-07" },
      interval: "day",
    });
  });

  it("round-trips presets and custom ranges", () => {
    for (const choice of [
      { preset: "month" as const, period: { from: "2026-12-01", to: today }, interval: "week" as const },
      { preset: "custom" as const, period: { from: "2026-01-01", to: "2026-06-30" }, interval: "month" as const },
    ]) {
      expect(readChoice(writeChoice(choice), today)).toEqual(choice);
    }
  });

  it("refuses impossible ranges and intervals", () => {
    const bad = (query: string) => readChoice(new URLSearchParams(query), today);
    expect(bad("preset=custom&from=2026-12-05&to=2026-12-01").preset).toBe("last30");
    expect(bad("preset=custom&from=2026-02-30&to=2026-03-01").preset).toBe("last30");
    expect(bad("preset=custom&from=2026-12-01&to=2026-12-09").preset).toBe("last30");
    expect(bad("preset=custom&from=2024-01-01&to=2026-01-01").preset).toBe("last30");
    expect(bad("preset=week&interval=hour").interval).toBe("day");
    expect(bad("preset=custom&from=2025-01-01&to=2026-12-01&interval=day").interval).toBe("week");
  });

  it("checks custom ranges against the server's limits", () => {
    expect(isValidRange({ from: "2024-12-31", to: "2026-12-31" }, "2026-12-31")).toBe(true);
    expect(isValidRange({ from: "2024-12-30", to: "2026-12-31" }, "2026-12-31")).toBe(false);
  });
});
