import type { Settings, SettingsPatch } from "./queries";

export const NUMBER_FIELDS = [
  "quote_validity_hours",
  "response_target_minutes",
  "reminder_lead_days",
  "reminder_window_days",
  "reminder_contacts_per_week",
] as const;
export type NumberField = (typeof NUMBER_FIELDS)[number];
/** `proactive_quote_days` emptied turns automatic proactive quotes off (`null`). */
export type SettingsValues = { auto_send: boolean; proactive_quote_days?: number | null } & Record<NumberField, number | null>;

export const SETTINGS_FIELDS: readonly string[] = ["auto_send", ...NUMBER_FIELDS, "proactive_quote_days"];

/** Only what changed (an emptied number is not sent). */
export function settingsPatch(before: Settings, values: SettingsValues): SettingsPatch {
  const patch: SettingsPatch = {};
  if (values.auto_send !== before.auto_send) patch.auto_send = values.auto_send;
  for (const field of NUMBER_FIELDS) {
    if (values[field] !== null && values[field] !== before[field]) patch[field] = values[field];
  }
  const proactive = values.proactive_quote_days ?? null;
  if (proactive !== (before.proactive_quote_days ?? null)) patch.proactive_quote_days = proactive;
  return patch;
}
