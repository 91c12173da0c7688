import { describe, expect, it } from "vitest";
import type { Settings } from "./queries";
import { settingsPatch, type SettingsValues } from "./settingsPatch";

const settings: Settings = {
  auto_send: false,
  quote_validity_hours: 72,
  reminder_lead_days: 3,
  reminder_window_days: 14,
  reminder_contacts_per_week: 2,
  response_target_minutes: 15,
  return_window_days: 7,
  proactive_quote_days: null,
  time_zone: "Asia/Shanghai",
  currency: "CNY",
};
const values = (over: Partial<SettingsValues>): SettingsValues => ({
  auto_send: false,
  quote_validity_hours: 72,
  response_target_minutes: 15,
  reminder_lead_days: 3,
  reminder_window_days: 14,
  reminder_contacts_per_week: 2,
  ...over,
});

describe("settingsPatch", () => {
  it("sends only what changed", () => {
    expect(settingsPatch(settings, values({}))).toEqual({});
    expect(settingsPatch(settings, values({ auto_send: true, reminder_lead_days: 0 }))).toEqual({
      auto_send: true,
      reminder_lead_days: 0,
    });
  });

  it("sends a new response target", () => {
    expect(settingsPatch(settings, values({ response_target_minutes: 30 }))).toEqual({ response_target_minutes: 30 });
  });

  it("never sends an emptied number", () => {
    expect(settingsPatch(settings, values({ quote_validity_hours: null }))).toEqual({});
  });

  it("turns automatic proactive quotes on, and off again by emptying the days", () => {
    expect(settingsPatch(settings, values({ proactive_quote_days: 3 }))).toEqual({ proactive_quote_days: 3 });
    expect(settingsPatch(settings, values({ proactive_quote_days: undefined }))).toEqual({});
    const on = { ...settings, proactive_quote_days: 3 };
    expect(settingsPatch(on, values({ proactive_quote_days: null }))).toEqual({ proactive_quote_days: null });
    expect(settingsPatch(on, values({ proactive_quote_days: 3 }))).toEqual({});
  });
});
