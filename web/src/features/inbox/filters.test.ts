import { describe, expect, it } from "vitest";
import { filterParams, hasFilters, readFilters } from "./filters";

const CUSTOMER = "cus_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b";

describe("list filters in the query string", () => {
  it("round-trips every filter under the API's names", () => {
    const filters = { status: "sent" as const, customerId: CUSTOMER, from: "2026-12-01", to: "2026-12-06", unread: true };
    const params = filterParams(filters);
    expect(params.toString()).toBe(
      `status=sent&customer_id=${CUSTOMER}&from=2026-12-01&to=2026-12-06&unread=true`,
    );
    expect(readFilters(params)).toEqual(filters);
  });

  it("ignores what a hand-edited URL gets wrong", () => {
    const filters = readFilters(new URLSearchParams("status=bogus&customer_id=42&from=yesterday&to=2026-13&unread=1"));
    expect(filters).toEqual({});
    expect(hasFilters(filters)).toBe(false);
  });

  it("adds the page after the filters", () => {
    expect(filterParams({ status: "draft" }, { limit: 50, cursor: "inq_1" }).toString()).toBe(
      "status=draft&limit=50&cursor=inq_1",
    );
    expect(hasFilters({ unread: true })).toBe(true);
  });
});
