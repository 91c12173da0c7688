import { describe, expect, it } from "vitest";
import { checkPrice, discounted, fromCents, percentToBasisPoints, sum, times, toCents } from "./decimal";

describe("exact decimal money", () => {
  it("reads the API's and people's spellings of an amount", () => {
    expect(toCents("268")).toBe(26_800n);
    expect(toCents("268.5")).toBe(26_850n);
    expect(toCents(" 1,299.00 ")).toBe(129_900n);
    expect(toCents("¥0.05")).toBe(5n);
    expect(toCents("12.345")).toBeNull();
    expect(toCents("-1")).toBeNull();
    expect(toCents("abc")).toBeNull();
  });

  it("writes cents with two decimals", () => {
    expect(fromCents(26_850n)).toBe("268.50");
    expect(fromCents(5n)).toBe("0.05");
    expect(fromCents(-120n)).toBe("-1.20");
  });

  it("multiplies and adds without float error", () => {
    expect(times("0.10", 3)).toBe("0.30");
    expect(times("19.99", 7)).toBe("139.93");
    expect(times("x", 2)).toBeNull();
    expect(sum(["0.10", "0.20"])).toBe("0.30");
    expect(sum(["99999999999.99", "0.01"])).toBe("100000000000.00");
    expect(sum([])).toBe("0.00");
  });

  it("prices for a customer the way the server does (half up to the cent)", () => {
    expect(discounted("268.00", 1_250)).toBe("234.50");
    expect(discounted("9.99", 1_000)).toBe("8.99");
    expect(discounted("0.05", 5_000)).toBe("0.03");
    expect(discounted("268.00", 0)).toBe("268.00");
    expect(discounted("268.00", 10_000)).toBe("0.00");
  });

  it("reads a price level in percent as basis points", () => {
    expect(percentToBasisPoints(12.5)).toBe(1_250);
    expect(percentToBasisPoints(12.35)).toBe(1_235);
    expect(percentToBasisPoints(0)).toBe(0);
    expect(percentToBasisPoints(100)).toBe(10_000);
  });
});

describe("price input", () => {
  it("normalizes what a person types", () => {
    expect(checkPrice("199")).toEqual({ price: "199.00" });
    expect(checkPrice("1,299.5")).toEqual({ price: "1299.50" });
    expect(checkPrice("¥ 88")).toEqual({ price: "88.00" });
  });

  it("names what is wrong", () => {
    expect(checkPrice("  ")).toEqual({ problem: "required" });
    expect(checkPrice("12.345")).toEqual({ problem: "decimals" });
    expect(checkPrice("-3")).toEqual({ problem: "format" });
    expect(checkPrice("12元")).toEqual({ problem: "format" });
    expect(checkPrice("1000000000.01")).toEqual({ problem: "too_large" });
    expect(checkPrice("1000000000")).toEqual({ price: "1000000000.00" });
  });
});
