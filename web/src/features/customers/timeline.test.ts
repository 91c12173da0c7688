import { describe, expect, it } from "vitest";
import { fill } from "../../i18n";
import { formatMoney } from "../../lib/format";
import { customerMessages } from "./messages";
import { describeEvent, minorToDecimal, type CustomerEvent } from "./timeline";

const m = customerMessages["zh-CN"];
const format = {
  fill,
  money: formatMoney,
  duration: (seconds: number) => `${seconds}s`,
  fieldLabel: (field: string) => ({ phone: "电话", price_level: "价格折扣" })[field] ?? field,
};
const event = (kind: string, payload: unknown): CustomerEvent => ({
  id: "evt_1",
  kind,
  subject_id: "x",
  occurred_at: "2026-12-06T06:03:00Z",
  payload,
});

describe("minorToDecimal", () => {
  it("writes cents as an exact decimal", () => {
    expect(minorToDecimal(26800)).toBe("268.00");
    expect(minorToDecimal(5)).toBe("0.05");
    expect(minorToDecimal(123456789)).toBe("1234567.89");
    expect(minorToDecimal(-150)).toBe("-1.50");
    expect(minorToDecimal(0)).toBe("0.00");
  });
});

describe("describeEvent", () => {
  it("words an order with its total and links it", () => {
    const wording = describeEvent(
      event("order_created", { order_id: "ord_1", quote_id: "quo_1", total_minor: 123450, currency: "CNY", lines: 3 }),
      m,
      format,
    );
    expect(wording.text).toBe("生成订单 ¥1,234.50，共 3 行");
    expect(wording.links).toEqual([
      { to: "/quotes/quo_1", label: "quote" },
      { to: "/orders/ord_1", label: "order" },
    ]);
  });

  it("says how a quote was sent and how fast", () => {
    const sent = { quote_id: "quo_1", inquiry_id: "inq_1", lines: 10, lines_quoted: 8, response_ms: 42_000 };
    expect(describeEvent(event("quote_sent", sent), m, format).text).toBe("发出报价：10 行中报价 8 行，响应用时 42s");
    expect(describeEvent(event("quote_sent", { ...sent, auto: true }), m, format).text).toMatch(/^自动发出报价/);
  });

  it("names the fields a change touched", () => {
    expect(describeEvent(event("customer_updated", { fields: ["phone", "price_level"] }), m, format).text).toBe(
      "修改了电话、价格折扣",
    );
  });

  it("tells partial purchases and rejections with their reason", () => {
    expect(describeEvent(event("quote_accepted", { lines_bought: 2, lines_quoted: 5, partial: true }), m, format).text).toBe(
      "客户接受部分报价，采购 5 行中的 2 行",
    );
    expect(describeEvent(event("quote_rejected", { reason: "价格太高" }), m, format).text).toBe("客户拒绝了报价：价格太高");
    expect(describeEvent(event("quote_rejected", {}), m, format).text).toBe("客户拒绝了报价");
  });

  it("shows an unknown kind by its name and survives odd payloads", () => {
    expect(describeEvent(event("callback_failed", null), m, format).text).toBe("其他记录（callback_failed）");
    expect(describeEvent(event("inquiry_received", "garbage"), m, format).text).toBe("收到询价，共 0 行");
  });
});
