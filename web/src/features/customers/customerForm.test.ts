import { describe, expect, it } from "vitest";
import { createBody, customerValues, priceLevelText, updateBody, type Customer } from "./customerForm";

const customer: Customer = {
  id: "cus_1",
  name: "老王汽修厂",
  contact_name: "王师傅",
  phone: "13800138000",
  email: null,
  address: null,
  price_level: 12.5,
  notes: null,
  created_at: "2026-12-01T00:00:00Z",
  updated_at: "2026-12-01T00:00:00Z",
};

describe("customer form", () => {
  it("leaves empty fields out of a new customer", () => {
    const values = { ...customerValues(), name: " 老王汽修厂 ", phone: " 138 ", price_level: 5 };
    expect(createBody(values)).toEqual({ name: "老王汽修厂", phone: "138", price_level: 5 });
  });

  it("sends only changes, clearing emptied fields", () => {
    const before = customerValues(customer);
    expect(updateBody(before, before)).toEqual({});
    expect(updateBody(before, { ...before, contact_name: "", email: "wang@example.cn", price_level: 10 })).toEqual({
      contact_name: null,
      email: "wang@example.cn",
      price_level: 10,
    });
  });

  it("writes price levels without trailing zeros", () => {
    expect(priceLevelText(12.5)).toBe("12.5%");
    expect(priceLevelText(0)).toBe("0%");
    expect(priceLevelText(7.25)).toBe("7.25%");
  });
});
