import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatElapsed, formatMoney, formatRate, isValidPrice } from "./format";

describe("formatMoney", () => {
  it("groups thousands and keeps two decimals from the API's decimal strings", () => {
    expect(formatMoney("1234.5")).toBe("¥1,234.50");
    expect(formatMoney("268.00")).toBe("¥268.00");
    expect(formatMoney("1234567.891")).toBe("¥1,234,567.891");
    expect(formatMoney("0")).toBe("¥0.00");
    expect(formatMoney("-12.3")).toBe("-¥12.30");
    expect(formatMoney("-0.00")).toBe("¥0.00");
  });

  it("never rounds through a float", () => {
    // 0.1 + 0.2 style errors would show here.
    expect(formatMoney("9007199254740993.10")).toBe("¥9,007,199,254,740,993.10");
  });

  it("names other currencies", () => {
    expect(formatMoney("5", "USD")).toBe("$5.00");
    expect(formatMoney("5", "CHF")).toBe("CHF 5.00");
  });

  it("shows a dash for missing prices and the text itself for garbage", () => {
    expect(formatMoney(null)).toBe("—");
    expect(formatMoney("")).toBe("—");
    expect(formatMoney("abc")).toBe("abc");
  });
});

describe("dates", () => {
  it("shows times in the dealer's time zone, not the browser's", () => {
    expect(formatDateTime("2026-12-06T16:30:00Z", "Asia/Shanghai")).toBe("2026-12-07 00:30");
    expect(formatDateTime("2026-12-06T16:30:00Z", "Europe/Berlin")).toBe("2026-12-06 17:30");
    // Midnight is 00, never 24; the day is the dealer's, not the browser's.
    expect(formatDateTime("2026-12-06T16:00:00Z", "Asia/Shanghai")).toBe("2026-12-07 00:00");
    expect(formatDate("2026-12-06T16:30:00Z", "Asia/Shanghai")).toBe("2026-12-07");
    expect(formatDate("2026-12-06T16:30:00Z", "America/Los_Angeles")).toBe("2026-12-06");
    expect(formatDateTime(null, "Asia/Shanghai")).toBe("—");
  });

  it("formats a waiting time", () => {
    expect(formatElapsed(65, "en")).toBe("1:05");
    expect(formatElapsed(3725, "en")).toBe("1:02:05");
    expect(formatElapsed(90000, "zh-CN")).toBe("1天1小时");
  });
});

describe("rates and prices", () => {
  it("formats a rate as a percentage", () => {
    expect(formatRate(0.8765)).toBe("87.7%");
    expect(formatRate(null)).toBe("—");
  });

  it("accepts prices as a clerk types them", () => {
    expect(isValidPrice("199")).toBe(true);
    expect(isValidPrice("199.5")).toBe(true);
    expect(isValidPrice(" 199.50 ")).toBe(true);
    expect(isValidPrice("199.505")).toBe(false);
    expect(isValidPrice("-1")).toBe(false);
    expect(isValidPrice("1e3")).toBe(false);
  });
});
