/**
 * Exact money arithmetic on the API's decimal strings: amounts are whole cents in a `bigint`,
 * so a total is what the server will charge, never a float's approximation.
 */

/** The server's largest price: one billion in major units. */
export const PRICE_MAX_CENTS = 100_000_000_000n;

const AMOUNT = /^(\d+)(?:\.(\d{0,2}))?$/;

/** `"268"`, `"268.5"`, `"1,299.00"`, `"¥268"` to cents; `null` for anything else. */
export function toCents(text: string): bigint | null {
  const cleaned = text.trim().replace(/[,¥￥\s]/g, "");
  const match = AMOUNT.exec(cleaned);
  if (!match) return null;
  const [, whole, frac = ""] = match;
  return BigInt(whole) * 100n + BigInt(frac.padEnd(2, "0"));
}

/** Cents as the API writes amounts: `26850n` → `"268.50"`. */
export function fromCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const whole = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, "0");
  return `${negative ? "-" : ""}${whole}.${frac}`;
}

/** `unit × quantity`, exactly. */
export function times(unitPrice: string, quantity: number): string | null {
  const cents = toCents(unitPrice);
  if (cents === null || !Number.isInteger(quantity)) return null;
  return fromCents(cents * BigInt(quantity));
}

/** The sum of amounts, exactly; unreadable ones are skipped. */
export function sum(amounts: readonly string[]): string {
  let total = 0n;
  for (const amount of amounts) total += toCents(amount) ?? 0n;
  return fromCents(total);
}

/**
 * A list price less a customer's price level (basis points: 1250 = 12.5 %), rounded half up to
 * the cent, exactly as the server prices a quote.
 */
export function discounted(listPrice: string, levelBasisPoints: number): string | null {
  const list = toCents(listPrice);
  if (list === null) return null;
  const level = BigInt(Math.min(10_000, Math.max(0, Math.round(levelBasisPoints))));
  return fromCents((list * (10_000n - level) + 5_000n) / 10_000n);
}

/** A customer's price level in percent (`12.5`, at most two decimals) as basis points (`1250`). */
export function percentToBasisPoints(percent: number): number {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(percent));
  if (!match) return Math.round(percent * 100);
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}

export type PriceProblem = "required" | "format" | "decimals" | "too_large";

/** Reads a price typed by a person; the normalized text is what is sent to the server. */
export function checkPrice(text: string): { price: string } | { problem: PriceProblem } {
  const cleaned = text.trim().replace(/[,¥￥\s]/g, "");
  if (cleaned === "") return { problem: "required" };
  if (/^\d+\.\d{3,}$/.test(cleaned)) return { problem: "decimals" };
  const cents = toCents(cleaned);
  if (cents === null) return { problem: "format" };
  if (cents > PRICE_MAX_CENTS) return { problem: "too_large" };
  return { price: fromCents(cents) };
}
