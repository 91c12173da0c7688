import type { Schemas } from "../../api/client";
import { addDays, daysBetween } from "../figures/period";

export type Reminder = Schemas["ReminderResponse"];
export type ReminderStatus = "due" | "snoozed" | "done" | "dismissed" | "converted";

export const STATUSES: readonly ReminderStatus[] = ["due", "snoozed", "done", "dismissed", "converted"];

/** The server's limit: a snooze ends after today and at most 90 days ahead. */
export const SNOOZE_DAYS_MAX = 90;

/** The days a reminder may be snoozed until: after today, at most 90 days ahead (the dealer's today). */
export function snoozeRange(today: string): { first: string; last: string } {
  return { first: addDays(today, 1), last: addDays(today, SNOOZE_DAYS_MAX) };
}

export function canSnoozeUntil(day: string, today: string): boolean {
  const { first, last } = snoozeRange(today);
  return day >= first && day <= last;
}

/** The quick snooze choices, in days from today. */
export const SNOOZE_CHOICES = [1, 3, 7, 14, 30] as const;

/** Only due and snoozed reminders can be marked done, snoozed or dismissed. */
export function isActionable(status: string): boolean {
  return status === "due" || status === "snoozed";
}

/** Open reminders (not dismissed or converted) may be quoted to the shop before it asks. */
export function isQuotable(status: string): boolean {
  return status === "due" || status === "snoozed" || status === "done";
}

/**
 * A snoozed reminder whose day has come is due again (the API's `due` filter counts it so, and
 * the next run reopens it).
 */
export function snoozeEnded(reminder: Pick<Reminder, "status" | "snoozed_until">, today: string): boolean {
  return reminder.status === "snoozed" && !!reminder.snoozed_until && reminder.snoozed_until <= today;
}

/** Days from today to a date: positive ahead, negative past. */
export function daysFrom(today: string, day: string): number {
  return daysBetween(today, day);
}
