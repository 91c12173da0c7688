import type { Schemas } from "../../api/client";

export type Channel = Schemas["ChannelResponse"];
export type ChannelRequest = Schemas["ChannelRequest"];
export type ChannelKind = Schemas["ChannelKind"];
export type NotificationEvent = Schemas["NotificationEvent"];

export const CHANNEL_KINDS: readonly ChannelKind[] = ["wecom", "dingtalk", "feishu", "email", "console"];
export const CHANNEL_EVENTS: readonly NotificationEvent[] = ["inquiry_waiting", "call_list", "demand_spike", "quote_accepted", "test"];

/** The form's fields: flat, as Ant Design edits them. */
export interface ChannelValues {
  kind: ChannelKind;
  name: string;
  events: NotificationEvent[];
  enabled: boolean;
  url?: string;
  secret?: string;
  /** Remove the robot's current secret (when no new one is typed). */
  remove_secret?: boolean;
  smtp_host?: string;
  smtp_port?: number | null;
  smtp_security?: "tls" | "starttls" | "none";
  smtp_username?: string;
  smtp_password?: string;
  /** Remove the current SMTP password (when no new one is typed). */
  remove_smtp_password?: boolean;
  smtp_from?: string;
  smtp_to?: string[];
  language: "zh-CN" | "en";
  quiet_start?: number | null;
  quiet_end?: number | null;
  hourly_cap: number;
  digest_hour: number;
  accepted_value_min: string;
  spike_shops: number;
}

export const FORM_FIELDS = [
  "kind",
  "name",
  "events",
  "url",
  "secret",
  "smtp",
  "quiet_hours",
  "hourly_cap",
  "digest_hour",
  "accepted_value_min",
  "spike_shops",
] as const;

export function isRobot(kind: ChannelKind): boolean {
  return kind === "wecom" || kind === "dingtalk" || kind === "feishu";
}

/** A new channel's starting values, or an existing one's (its secrets and robot address stay empty: left empty, they are kept). */
export function channelValues(channel?: Channel): ChannelValues {
  return {
    kind: channel?.kind ?? "wecom",
    name: channel?.name ?? "",
    events: channel?.events ?? ["inquiry_waiting", "call_list"],
    enabled: channel?.enabled ?? true,
    smtp_host: channel?.smtp?.host,
    smtp_port: channel?.smtp?.port ?? 465,
    smtp_security: channel?.smtp?.security ?? "tls",
    smtp_username: channel?.smtp?.username ?? undefined,
    smtp_from: channel?.smtp?.from,
    smtp_to: channel?.smtp?.to ?? [],
    language: channel?.language ?? "zh-CN",
    quiet_start: channel?.quiet_hours?.start ?? null,
    quiet_end: channel?.quiet_hours?.end ?? null,
    hourly_cap: channel?.hourly_cap ?? 20,
    digest_hour: channel?.digest_hour ?? 8,
    accepted_value_min: channel?.accepted_value_min ?? "0.00",
    spike_shops: channel?.spike_shops ?? 3,
  };
}

const blank = (s?: string | null) => (s && s.trim() ? s.trim() : null);

/**
 * The request for the API: only the kind's own fields; empty secrets and addresses are left out
 * (kept when editing), or sent empty to remove them when asked.
 */
export function channelRequest(values: ChannelValues): ChannelRequest {
  const quiet =
    values.quiet_start !== null && values.quiet_start !== undefined && values.quiet_end !== null && values.quiet_end !== undefined
      ? { start: values.quiet_start, end: values.quiet_end }
      : null;
  const request: ChannelRequest = {
    kind: values.kind,
    name: values.name.trim(),
    events: values.events,
    enabled: values.enabled,
    language: values.language,
    quiet_hours: quiet,
    hourly_cap: values.hourly_cap,
    digest_hour: values.digest_hour,
    accepted_value_min: values.accepted_value_min,
    spike_shops: values.spike_shops,
  };
  if (isRobot(values.kind)) {
    const url = blank(values.url);
    if (url) request.url = url;
    const secret = blank(values.secret);
    if (values.kind !== "wecom") {
      if (secret) request.secret = secret;
      else if (values.remove_secret) request.secret = "";
    }
  } else if (values.kind === "email") {
    request.smtp = {
      host: values.smtp_host?.trim() ?? "",
      port: values.smtp_port ?? 465,
      security: values.smtp_security ?? "tls",
      username: blank(values.smtp_username),
      password: values.smtp_password ? values.smtp_password : values.remove_smtp_password ? "" : null,
      from: values.smtp_from?.trim() ?? "",
      to: (values.smtp_to ?? []).map((t) => t.trim()).filter(Boolean),
    };
  }
  return request;
}
