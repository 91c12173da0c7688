import { describe, expect, it } from "vitest";
import { fileNameFrom, withBom } from "./download";

describe("CSV downloads", () => {
  it("takes the file name the server gives", () => {
    expect(fileNameFrom('attachment; filename="customer-metrics-2026-11-08-2026-12-07.csv"')).toBe(
      "customer-metrics-2026-11-08-2026-12-07.csv",
    );
    expect(fileNameFrom("attachment; filename*=UTF-8''%E5%AE%A2%E6%88%B7.csv")).toBe("客户.csv");
    expect(fileNameFrom('attachment; filename="../x.csv"')).toBe(".._x.csv");
    expect(fileNameFrom(null)).toBeNull();
    expect(fileNameFrom("attachment")).toBeNull();
  });

  it("adds a UTF-8 byte-order mark once, so Excel reads Chinese names", () => {
    const text = new TextEncoder().encode("customer_name\n华通汽修\n");
    const once = withBom(text);
    expect(Array.from(once.slice(0, 3))).toEqual([0xef, 0xbb, 0xbf]);
    expect(once.length).toBe(text.length + 3);
    expect(withBom(once).length).toBe(once.length);
  });
});
