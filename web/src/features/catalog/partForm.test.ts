import { describe, expect, it } from "vitest";
import { formValues, isJsonObject, partErrorPath, partPatch, type Part } from "./partForm";

const part: Part = {
  id: "prt_1",
  sku: "BP-0986424735",
  name: "刹车片(前)",
  brand: "BOSCH",
  category: "刹车系统",
  unit: "套",
  description: null,
  price: "268.00",
  currency: "CNY",
  stock: 12,
  reserved: 2,
  available: 10,
  active: true,
  numbers: [
    { kind: "article", brand: "BOSCH", number: "0 986 424 735", normalized: "0986424735" },
    { kind: "oe", brand: "TOYOTA", number: "04465-02061", normalized: "0446502061" },
    { kind: "oe", brand: null, number: "EM2E-2803123C", normalized: "EM2E2803123C", side: "L" },
    { kind: "interchange", brand: "BREMBO", number: "P 83 046", normalized: "P83046" },
  ],
  fitment: [{ make: "TOYOTA", model: "COROLLA", year_from: 2003, year_to: 2008, engine: "1ZZ-FE", note: null }],
  attributes: {},
  created_at: "2026-12-01T00:00:00Z",
  updated_at: "2026-12-01T00:00:00Z",
};

describe("part edit form", () => {
  it("writes numbers back the way the API reads them", () => {
    const values = formValues(part);
    expect(values.article_number).toBe("0 986 424 735");
    expect(values.oe_numbers).toEqual(["TOYOTA:04465-02061", "EM2E-2803123C (L)"]);
    expect(values.cross_numbers).toEqual(["BREMBO:P 83 046"]);
  });

  it("sends only what changed", () => {
    const before = formValues(part);
    expect(partPatch(before, { ...before })).toEqual({});
    expect(partPatch(before, { ...before, price: "255.5", stock: 3, description: "  " })).toEqual({ price: "255.5", stock: 3 });
    expect(partPatch(before, { ...before, brand: "" })).toEqual({ brand: null });
  });

  it("sends whole lists when an entry changed", () => {
    const before = formValues(part);
    expect(partPatch(before, { ...before, oe_numbers: ["TOYOTA:04465-02061"] })).toEqual({ oe_numbers: ["TOYOTA:04465-02061"] });
    const fitment = [...before.fitment, { make: "TOYOTA", model: "", year_from: null, year_to: null, engine: "", note: "" }];
    expect(partPatch(before, { ...before, fitment }).fitment).toEqual([
      before.fitment[0],
      { make: "TOYOTA", model: null, year_from: null, year_to: null, engine: null, note: null },
    ]);
  });

  it("parses attributes and checks them", () => {
    const before = formValues(part);
    expect(partPatch(before, { ...before, attributes: '{"位置": "前轮"}' })).toEqual({ attributes: { 位置: "前轮" } });
    expect(isJsonObject("[1]")).toBe(false);
    expect(isJsonObject("{")).toBe(false);
    expect(isJsonObject("")).toBe(true);
  });

  it("shows errors on the item that holds the field", () => {
    expect(partErrorPath(["oe_numbers", 1])).toEqual(["oe_numbers"]);
    expect(partErrorPath(["fitment", 0, "year_to"])).toEqual(["fitment", 0, "year_to"]);
    expect(partErrorPath(["fitment", 2])).toEqual(["fitment", 2, "make"]);
    expect(partErrorPath(["fitment"])).toBeNull();
  });
});
