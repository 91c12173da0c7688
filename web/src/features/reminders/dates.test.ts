import { describe, expect, it } from "vitest";
import { canSnoozeUntil, daysFrom, isActionable, snoozeEnded, snoozeRange } from "./dates";

describe("snoozing", () => {
  it("allows a day after the dealer's today and at most 90 days ahead", () => {
    expect(snoozeRange("2026-12-07")).toEqual({ first: "2026-12-08", last: "2027-03-07" });
    expect(canSnoozeUntil("2026-12-07", "2026-12-07")).toBe(false);
    expect(canSnoozeUntil("2026-12-08", "2026-12-07")).toBe(true);
    expect(canSnoozeUntil("2027-03-07", "2026-12-07")).toBe(true);
    expect(canSnoozeUntil("2027-03-08", "2026-12-07")).toBe(false);
  });

  it("treats a snooze whose day has come as ended", () => {
    expect(snoozeEnded({ status: "snoozed", snoozed_until: "2026-12-07" }, "2026-12-07")).toBe(true);
    expect(snoozeEnded({ status: "snoozed", snoozed_until: "2026-12-08" }, "2026-12-07")).toBe(false);
    expect(snoozeEnded({ status: "due", snoozed_until: null }, "2026-12-07")).toBe(false);
  });
});

describe("reminder states and dates", () => {
  it("lets staff act on due and snoozed reminders only", () => {
    expect(["due", "snoozed", "done", "dismissed", "converted"].map(isActionable)).toEqual([true, true, false, false, false]);
  });

  it("counts days from today", () => {
    expect(daysFrom("2026-12-07", "2026-12-10")).toBe(3);
    expect(daysFrom("2026-12-07", "2026-12-07")).toBe(0);
    expect(daysFrom("2027-01-01", "2026-12-30")).toBe(-2);
  });
});
