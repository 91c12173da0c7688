import dayjs from "dayjs";
import utc from "dayjs/plugin/utc";
import timezone from "dayjs/plugin/timezone";
import "dayjs/locale/zh-cn";

dayjs.extend(utc);
dayjs.extend(timezone);

const SYMBOLS: Record<string, string> = { CNY: "¥", USD: "$", EUR: "€", HKD: "HK$", JPY: "¥", GBP: "£" };

/**
 * Formats an exact decimal string from the API (`"1234.5"`, `"-0.10"`) as money (`¥1,234.50`)
 * without ever going through a float, so a price is shown exactly as it will be charged.
 */
export function formatMoney(amount: string | null | undefined, currency = "CNY"): string {
  if (amount === null || amount === undefined || amount.trim() === "") return "—";
  const match = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(amount);
  if (!match) return amount;
  const [, sign, intRaw, fracRaw = ""] = match;
  const intDigits = (intRaw.replace(/^0+(?=\d)/, "") || "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const frac = fracRaw.length >= 2 ? fracRaw : fracRaw.padEnd(2, "0");
  const isZero = /^0*$/.test(intRaw + fracRaw);
  const symbol = SYMBOLS[currency] ?? `${currency} `;
  return `${sign === "-" && !isZero ? "-" : ""}${symbol}${intDigits}.${frac}`;
}

/** Compares two decimal strings exactly (as the API sends them). */
export function isValidPrice(text: string): boolean {
  return /^\d{1,10}(\.\d{1,2})?$/.test(text.trim());
}

// One formatter per time zone, made once: building an Intl.DateTimeFormat costs far more than
// using one, and a list formats a timestamp on every row (dayjs.tz builds one per call).
const zoned = new Map<string, Intl.DateTimeFormat>();

function partsIn(iso: string, timeZone: string): Record<string, string> | null {
  let formatter = zoned.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    zoned.set(timeZone, formatter);
  }
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return null;
  return Object.fromEntries(formatter.formatToParts(at).map((p) => [p.type, p.value]));
}

/** A timestamp in the dealer's time zone: `2026-12-06 14:03`. */
export function formatDateTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "—";
  const p = partsIn(iso, timeZone);
  return p ? `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}` : iso;
}

export function formatDate(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return "—";
  const p = partsIn(iso, timeZone);
  return p ? `${p.year}-${p.month}-${p.day}` : iso;
}

/** How long something has been waiting: `4:05` under an hour, `2:04:05` past it, `3d 2h` past a day. */
export function formatElapsed(seconds: number, locale: "zh-CN" | "en"): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  if (days > 0) {
    const hours = Math.floor((s % 86400) / 3600);
    return locale === "zh-CN" ? `${days}天${hours}小时` : `${days}d ${hours}h`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(sec).padStart(2, "0")}`;
}

/** A rate in 0..1 as a percentage with one decimal: `0.8765` → `87.7%`. */
export function formatRate(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || Number.isNaN(rate)) return "—";
  // Rounded half up on the decimal value the API meant, not its binary approximation.
  const tenths = Math.round(Number((rate * 1000).toPrecision(12)));
  return `${(tenths / 10).toFixed(1)}%`;
}

/** Seconds as the shortest readable duration: `45s`, `12m`, `3.5h` (or `45秒`, `12分钟`, `3.5小时`). */
export function formatDuration(seconds: number | null | undefined, locale: "zh-CN" | "en"): string {
  if (seconds === null || seconds === undefined) return "—";
  const zh = locale === "zh-CN";
  if (seconds < 60) return zh ? `${Math.round(seconds)}秒` : `${Math.round(seconds)}s`;
  if (seconds < 3600) return zh ? `${Math.round(seconds / 60)}分钟` : `${Math.round(seconds / 60)}m`;
  const hours = Math.round((seconds / 3600) * 10) / 10;
  return zh ? `${hours}小时` : `${hours}h`;
}

export { dayjs };
