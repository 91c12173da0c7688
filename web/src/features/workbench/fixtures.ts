import type { Schemas } from "../../api/client";

/** Test data shaped like the API's answers: a draft quote and the inquiry it answers. */

type Candidate = Schemas["Candidate"];
type Inquiry = Schemas["InquiryResponse"];

const hex = (n: number) => n.toString(16).padStart(32, "0");
export const CUSTOMER_ID = `cus_${hex(1)}`;
export const INQUIRY_ID = `inq_${hex(2)}`;
export const QUOTE_ID = `quo_${hex(3)}`;
export const lineId = (i: number) => `qln_${hex(100 + i)}`;
export const inquiryLineId = (i: number) => `inl_${hex(200 + i)}`;
export const partId = (i: number) => `prt_${hex(300 + i)}`;

export function candidate(i: number, overrides: Partial<Candidate> = {}): Candidate {
  return {
    part_id: partId(i),
    sku: `SKU-${i}`,
    name: `刹车片 ${i}`,
    brand: "BOSCH",
    score: 10,
    confidence: "exact",
    matched_on: "oe",
    matched_value: `04465-0206${i}`,
    precision: "exact",
    reason: `OE 04465-0206${i} matches BOSCH 刹车片 ${i}`,
    list_price: "100.00",
    stock: 10,
    in_stock: true,
    ...overrides,
  };
}

/**
 * An inquiry of `matched` lines the matcher answered exactly (two candidates each) followed by
 * `unmatched` lines it found nothing for.
 */
export function inquiry(matched: number, unmatched: number): Inquiry {
  const count = matched + unmatched;
  const lines = Array.from({ length: count }, (_, i) => {
    const found = i < matched;
    const candidates = found ? [candidate(i * 10 + 1), candidate(i * 10 + 2, { confidence: "high", sku: `ALT-${i}` })] : [];
    return { i, found, candidates };
  });
  return {
    id: INQUIRY_ID,
    customer: { id: CUSTOMER_ID, name: "老王汽修厂" },
    reference: "PO-1",
    read: true,
    claim: null,
    status: "draft",
    origin: "shop",
    warnings: [],
    received_at: "2026-12-06T02:00:00Z",
    lines: lines.map(({ i, found, candidates }) => ({
      id: inquiryLineId(i),
      position: i,
      text: found ? `04465-0206${i} x2` : `不认识的件 ${i}`,
      quantity: 2,
      unit: "套",
      confidence: found ? "exact" : "none",
      candidates,
    })),
    quote: {
      id: QUOTE_ID,
      inquiry_id: INQUIRY_ID,
      customer_id: CUSTOMER_ID,
      status: "draft",
      currency: "CNY",
      auto_sent: false,
      proactive: false,
      total: "0.00",
      created_at: "2026-12-06T02:00:00Z",
      updated_at: "2026-12-06T02:00:00Z",
      lines: lines.map(({ i, found, candidates }) => ({
        id: lineId(i),
        position: i,
        inquiry_line_id: inquiryLineId(i),
        text: found ? `04465-0206${i} x2` : `不认识的件 ${i}`,
        requested_quantity: 2,
        status: found ? "offered" : "no_offer",
        confidence: found ? "exact" : "none",
        changed_by_staff: false,
        options: found
          ? [
              {
                id: `qop_${hex(400 + i)}`,
                rank: 0,
                part_id: candidates[0].part_id,
                sku: candidates[0].sku,
                name: candidates[0].name,
                brand: "BOSCH",
                list_price: "100.00",
                unit_price: "87.50",
                quantity: 2,
                backorder_quantity: 0,
                line_total: "175.00",
                stock: 10,
                in_stock: true,
              },
            ]
          : [],
      })),
    },
  };
}
