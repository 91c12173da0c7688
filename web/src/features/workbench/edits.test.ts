import { describe, expect, it } from "vitest";
import {
  buildUpdate,
  checkQuote,
  initialState,
  isDirty,
  offerFromCandidate,
  offerFromPart,
  placeErrors,
  propose,
  quoteTotal,
  setNote,
  setPrice,
  setQuantity,
  toggleUnavailable,
  type QuoteState,
} from "./edits";
import { candidate, inquiry, lineId, partId } from "./fixtures";

const LEVEL = 1_250; // 12.5 %
const quote = inquiry(3, 1).quote;
const order = quote.lines.map((l) => l.id);

function edit(state: QuoteState, id: string, change: (line: QuoteState["lines"][string]) => QuoteState["lines"][string]) {
  return { ...state, lines: { ...state.lines, [id]: change(state.lines[id]) } };
}

describe("the quote being edited", () => {
  it("starts as the server's quote, with offered units as ship-now plus backorder", () => {
    const state = initialState(quote);
    expect(state.lines[lineId(0)]).toMatchObject({ status: "offered", note: null });
    expect(state.lines[lineId(0)].offers[0]).toMatchObject({ partId: partId(1), unitPrice: "87.50", quantity: 2 });
    expect(state.lines[lineId(3)]).toEqual({ status: "no_offer", offers: [], note: null });
    expect(buildUpdate(state, state, order)).toBeNull();
    expect(isDirty(state, state, order)).toBe(false);
  });

  it("sends only the lines that changed, naming each option's price only when set", () => {
    const before = initialState(quote);
    let after = edit(before, lineId(1), (l) => propose(l, offerFromCandidate(candidate(12, { sku: "ALT-1" }), 2)));
    after = edit(after, lineId(2), (l) => setQuantity(setPrice(l, "80.00"), 4));
    const update = buildUpdate(before, after, order);
    expect(update?.lineIds).toEqual([lineId(1), lineId(2)]);
    expect(update?.body).toEqual({
      lines: [
        {
          id: lineId(1),
          options: [
            { part_id: partId(12), quantity: 2 },
            { part_id: partId(11), quantity: 2, unit_price: "87.50" },
          ],
        },
        { id: lineId(2), options: [{ part_id: partId(21), quantity: 4, unit_price: "80.00" }] },
      ],
    });
  });

  it("keeps a part's price and quantity when it becomes the proposal again", () => {
    const before = initialState(quote);
    const other = offerFromCandidate(candidate(2), 2);
    const there = edit(before, lineId(0), (l) => propose(l, other));
    const back = edit(there, lineId(0), (l) => propose(l, offerFromCandidate(candidate(1), 9)));
    expect(back.lines[lineId(0)].offers.map((o) => [o.partId, o.unitPrice, o.quantity])).toEqual([
      [partId(1), "87.50", 2],
      [partId(2), null, 2],
    ]);
  });

  it("never keeps more than three options", () => {
    let state = initialState(quote);
    for (const i of [2, 3, 4, 5]) state = edit(state, lineId(0), (l) => propose(l, offerFromCandidate(candidate(i), 2)));
    expect(state.lines[lineId(0)].offers.map((o) => o.partId)).toEqual([partId(5), partId(4), partId(3)]);
  });

  it("marks a line unavailable and back without sending anything for the round trip", () => {
    const before = initialState(quote);
    const off = edit(before, lineId(0), toggleUnavailable);
    expect(buildUpdate(before, off, order)?.body).toEqual({ lines: [{ id: lineId(0), unavailable: true }] });
    const on = edit(off, lineId(0), toggleUnavailable);
    expect(buildUpdate(before, on, order)).toBeNull();
    // A line with nothing to offer cannot be made available.
    const none = edit(before, lineId(3), toggleUnavailable);
    expect(edit(none, lineId(3), toggleUnavailable).lines[lineId(3)].status).toBe("unavailable");
  });

  it("answers an unmatched line with a part found in the catalog", () => {
    const before = initialState(quote);
    const part = { id: partId(99), sku: "W 712/75", name: "机油滤清器", brand: "MANN-FILTER", price: "45.00", currency: "CNY", stock: 1, in_stock: true };
    const after = edit(before, lineId(3), (l) => propose(l, offerFromPart(part, 2)));
    expect(after.lines[lineId(3)].status).toBe("offered");
    expect(buildUpdate(before, after, order)?.body.lines).toEqual([
      { id: lineId(3), options: [{ part_id: partId(99), quantity: 2 }] },
    ]);
    // 45.00 less 12.5 % is 39.38 (half up); one ships now, one is backorder.
    expect(quoteTotal(after, LEVEL)).toBe("564.38");
  });

  it("sends notes, and clears them with null", () => {
    const before = { ...initialState(quote), note: "周五前到货" };
    const after = edit({ ...before, note: null }, lineId(0), (l) => setNote(l, "原厂包装"));
    expect(buildUpdate(before, after, order)?.body).toEqual({
      note: null,
      lines: [{ id: lineId(0), note: "原厂包装" }],
    });
    expect(setNote(after.lines[lineId(0)], "  ").note).toBeNull();
  });
});

describe("totals and checks", () => {
  it("totals offered lines' proposals exactly, leaving out unavailable ones", () => {
    const state = initialState(quote);
    expect(quoteTotal(state, LEVEL)).toBe("525.00");
    expect(quoteTotal(edit(state, lineId(0), toggleUnavailable), LEVEL)).toBe("350.00");
    expect(quoteTotal(edit(state, lineId(0), (l) => setPrice(l, "0.10")), LEVEL)).toBe("350.20");
  });

  it("refuses to send a line without a usable price or quantity", () => {
    const state = initialState(quote);
    const unpriced = offerFromCandidate(candidate(7, { list_price: null }), 2);
    const bad = edit(
      edit(edit(state, lineId(0), (l) => setPrice(l, "12.345")), lineId(1), (l) => propose(l, unpriced)),
      lineId(2),
      (l) => setQuantity(l, 0),
    );
    expect(checkQuote(bad, LEVEL)).toEqual({
      [lineId(0)]: "price_invalid",
      [lineId(1)]: "price_required",
      [lineId(2)]: "quantity_invalid",
    });
    expect(checkQuote(state, LEVEL)).toEqual({});
  });
});

describe("server field errors", () => {
  it("lands each error on the line and field its pointer names", () => {
    const placed = placeErrors(
      [
        { field: "/lines/1/options/0/unit_price", message: "at most two decimals" },
        { field: "/lines/0/options/0/quantity", message: "between 1 and 10000" },
        { field: "/lines/0/options/1/part_id", message: "not an active part of the catalog" },
        { field: "/lines/1/note", message: "too long" },
        { field: "/note", message: "too long" },
        { field: "/lines/7/id", message: "not a line of this quote" },
      ],
      [lineId(2), lineId(3)],
    );
    expect(placed.note).toBe("too long");
    expect(placed.lines).toEqual({
      [lineId(3)]: { price: "at most two decimals", note: "too long" },
      [lineId(2)]: { quantity: "between 1 and 10000", options: "not an active part of the catalog" },
    });
    expect(placed.other).toEqual(["/lines/7/id: not a line of this quote"]);
  });
});
