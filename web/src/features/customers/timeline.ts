import type { Schemas } from "../../api/client";

export type CustomerEvent = Schemas["EventResponse"];

/** Where an event links to in the console. */
export interface EventLink {
  to: string;
  label: "inquiry" | "quote" | "order";
}

export interface EventWording {
  text: string;
  color: "green" | "blue" | "red" | "gray" | "orange";
  links: EventLink[];
}

export interface TimelineMessages {
  customer_created: string;
  customer_updated: string;
  customer_archived: string;
  api_key_issued: string;
  api_key_revoked: string;
  inquiry_received: string;
  quote_drafted: string;
  quote_updated: string;
  quote_sent: string;
  quote_sent_auto: string;
  quote_viewed: string;
  quote_accepted: string;
  quote_accepted_partial: string;
  quote_rejected: string;
  quote_rejected_reason: string;
  quote_expired: string;
  quote_cancelled: string;
  order_created: string;
  reminder_raised: string;
  reminder_converted: string;
  unknownEvent: string;
  fieldSeparator: string;
}

export interface TimelineFormat {
  fill: (template: string, values: Record<string, string | number>) => string;
  money: (amount: string, currency: string) => string;
  duration: (seconds: number) => string;
  fieldLabel: (field: string) => string;
}

function record(payload: unknown): Record<string, unknown> {
  return payload && typeof payload === "object" && !Array.isArray(payload) ? (payload as Record<string, unknown>) : {};
}

const text = (p: Record<string, unknown>, key: string) => (typeof p[key] === "string" ? (p[key] as string) : "");
const count = (p: Record<string, unknown>, key: string) => (typeof p[key] === "number" ? (p[key] as number) : 0);

/**
 * An amount in minor units (`26800`) as a decimal string (`"268.00"`), exactly: the timeline's
 * order totals are integers of cents.
 */
export function minorToDecimal(minor: number): string {
  const negative = minor < 0;
  const digits = String(Math.abs(Math.trunc(minor))).padStart(3, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** The words for one touchpoint of a customer's timeline, with links to what it is about. */
export function describeEvent(event: CustomerEvent, m: TimelineMessages, f: TimelineFormat): EventWording {
  const p = record(event.payload);
  const links: EventLink[] = [];
  const inquiry = text(p, "inquiry_id");
  const quote = text(p, "quote_id");
  const order = text(p, "order_id");
  if (inquiry) links.push({ to: `/inquiries/${inquiry}`, label: "inquiry" });
  if (quote) links.push({ to: `/quotes/${quote}`, label: "quote" });
  if (order) links.push({ to: `/orders/${order}`, label: "order" });
  const say = (template: string, color: EventWording["color"], values: Record<string, string | number> = {}) => ({
    text: f.fill(template, values),
    color,
    links,
  });
  switch (event.kind) {
    case "customer_created":
      return say(m.customer_created, "blue", { name: text(p, "name") });
    case "customer_updated": {
      const fields = Array.isArray(p.fields) ? p.fields.filter((x): x is string => typeof x === "string") : [];
      return say(m.customer_updated, "gray", { fields: fields.map(f.fieldLabel).join(m.fieldSeparator) });
    }
    case "customer_archived":
      return say(m.customer_archived, "gray");
    case "api_key_issued":
      return say(m.api_key_issued, "blue", { prefix: text(p, "prefix") });
    case "api_key_revoked":
      return say(m.api_key_revoked, "gray");
    case "inquiry_received":
      return say(m.inquiry_received, "blue", { lines: count(p, "lines") });
    case "quote_drafted":
      return say(m.quote_drafted, "gray", {
        lines: count(p, "lines"),
        offered: count(p, "lines_offered"),
        confident: count(p, "lines_confident"),
      });
    case "quote_updated":
      return say(m.quote_updated, "gray", { n: count(p, "lines_changed") });
    case "quote_sent":
      return say(p.auto === true ? m.quote_sent_auto : m.quote_sent, "green", {
        quoted: count(p, "lines_quoted"),
        lines: count(p, "lines"),
        duration: f.duration(count(p, "response_ms") / 1000),
      });
    case "quote_viewed":
      return say(m.quote_viewed, "gray");
    case "quote_accepted":
      return say(p.partial === true ? m.quote_accepted_partial : m.quote_accepted, "green", {
        bought: count(p, "lines_bought"),
        quoted: count(p, "lines_quoted"),
      });
    case "quote_rejected":
      return text(p, "reason")
        ? say(m.quote_rejected_reason, "red", { reason: text(p, "reason") })
        : say(m.quote_rejected, "red");
    case "quote_expired":
      return say(m.quote_expired, "orange");
    case "quote_cancelled":
      return say(m.quote_cancelled, "gray");
    case "order_created":
      return say(m.order_created, "green", {
        total: f.money(minorToDecimal(count(p, "total_minor")), text(p, "currency") || "CNY"),
        lines: count(p, "lines"),
      });
    case "reminder_raised":
      return say(m.reminder_raised, "orange", {
        date: text(p, "expected_on"),
        quantity: count(p, "suggested_quantity"),
        days: count(p, "interval_days"),
      });
    case "reminder_converted":
      return say(m.reminder_converted, "green");
    default:
      return say(m.unknownEvent, "gray", { kind: event.kind });
  }
}
