/**
 * The workbench's editing model, without React: the quote as the clerk is changing it, the
 * `UpdateQuoteRequest` those changes make, checks before sending, and the live total.
 */
import type { Schemas } from "../../api/client";
import { checkPrice, discounted, sum, times } from "./decimal";

type Quote = Schemas["QuoteResponse"];
type Candidate = Schemas["Candidate"];
type Part = Schemas["PartSummary"];
export type UpdateQuoteRequest = Schemas["UpdateQuoteRequest"];

export const QUANTITY_MAX = 10_000;
/** The proposal and up to two alternatives, as the server keeps them. */
export const OPTIONS_MAX = 3;

/** One part offered on a line. */
export interface Offer {
  partId: string;
  sku: string;
  name: string;
  brand: string | null;
  listPrice: string | null;
  /** Per unit for this customer; `null` leaves it to the server (list price less the level). */
  unitPrice: string | null;
  /** Units offered: what ships now plus backorder. */
  quantity: number;
  stock: number | null;
}

export type LineStatus = "offered" | "no_offer" | "unavailable";

export interface LineState {
  status: LineStatus;
  /** The first is the proposal. Kept while a line is marked unavailable, to undo it. */
  offers: Offer[];
  note: string | null;
}

export interface QuoteState {
  lines: Record<string, LineState>;
  note: string | null;
}

function lineStatus(status: string): LineStatus {
  return status === "offered" || status === "unavailable" ? status : "no_offer";
}

/** The quote as the server holds it. */
export function initialState(quote: Quote): QuoteState {
  const lines: Record<string, LineState> = {};
  for (const line of quote.lines) {
    lines[line.id] = {
      status: lineStatus(line.status),
      offers: line.options.map((o) => ({
        partId: o.part_id,
        sku: o.sku,
        name: o.name,
        brand: o.brand ?? null,
        listPrice: o.list_price,
        unitPrice: o.unit_price,
        quantity: o.quantity + o.backorder_quantity,
        stock: o.stock ?? null,
      })),
      note: line.note ?? null,
    };
  }
  return { lines, note: quote.note ?? null };
}

export function offerFromCandidate(candidate: Candidate, quantity: number): Offer {
  return {
    partId: candidate.part_id,
    sku: candidate.sku,
    name: candidate.name,
    brand: candidate.brand ?? null,
    listPrice: candidate.list_price ?? null,
    unitPrice: null,
    quantity,
    stock: candidate.stock,
  };
}

export function offerFromPart(part: Part, quantity: number): Offer {
  return {
    partId: part.id,
    sku: part.sku,
    name: part.name,
    brand: part.brand ?? null,
    listPrice: part.price ?? null,
    unitPrice: null,
    quantity,
    stock: part.stock ?? null,
  };
}

/**
 * Makes `offer` the proposal. A part already offered keeps its price and quantity; the old
 * proposal becomes an alternative.
 */
export function propose(line: LineState, offer: Offer): LineState {
  const existing = line.offers.find((o) => o.partId === offer.partId);
  const current = line.offers[0];
  const chosen = existing ?? { ...offer, quantity: current?.quantity ?? offer.quantity };
  const rest = line.offers.filter((o) => o.partId !== offer.partId);
  return { ...line, status: "offered", offers: [chosen, ...rest].slice(0, OPTIONS_MAX) };
}

export function setPrice(line: LineState, unitPrice: string): LineState {
  const [first, ...rest] = line.offers;
  if (!first) return line;
  return { ...line, offers: [{ ...first, unitPrice }, ...rest] };
}

export function setQuantity(line: LineState, quantity: number): LineState {
  const [first, ...rest] = line.offers;
  if (!first) return line;
  return { ...line, offers: [{ ...first, quantity }, ...rest] };
}

/** Unavailable and back; a line with nothing to offer stays as it is. */
export function toggleUnavailable(line: LineState): LineState {
  if (line.status === "unavailable") {
    return line.offers.length > 0 ? { ...line, status: "offered" } : line;
  }
  return { ...line, status: "unavailable" };
}

export function setNote(line: LineState, note: string): LineState {
  return { ...line, note: note.trim() === "" ? null : note };
}

function sameOffers(a: Offer[], b: Offer[]): boolean {
  return (
    a.length === b.length &&
    a.every((o, i) => o.partId === b[i].partId && o.unitPrice === b[i].unitPrice && o.quantity === b[i].quantity)
  );
}

function offersChanged(before: LineState, after: LineState): boolean {
  if (before.status !== after.status) return true;
  return after.status === "offered" && !sameOffers(before.offers, after.offers);
}

/** Which lines differ from the server's quote, in the quote's order. */
export function changedLines(before: QuoteState, after: QuoteState, order: readonly string[]): string[] {
  return order.filter((id) => {
    const a = before.lines[id];
    const b = after.lines[id];
    return a && b && (offersChanged(a, b) || a.note !== b.note);
  });
}

export function isDirty(before: QuoteState, after: QuoteState, order: readonly string[]): boolean {
  return before.note !== after.note || changedLines(before, after, order).length > 0;
}

/**
 * The `PATCH /v1/quotes/{id}` body for the changes, and which quote line each entry of
 * `lines` is (so a field error `/lines/2/...` can be shown on its line); `null` if nothing changed.
 */
export function buildUpdate(
  before: QuoteState,
  after: QuoteState,
  order: readonly string[],
): { body: UpdateQuoteRequest; lineIds: string[] } | null {
  const lineIds = changedLines(before, after, order);
  const body: UpdateQuoteRequest = {};
  if (before.note !== after.note) body.note = after.note;
  if (lineIds.length > 0) {
    body.lines = lineIds.map((id) => {
      const a = before.lines[id];
      const b = after.lines[id];
      const edit: Schemas["UpdateQuoteLine"] = { id };
      if (offersChanged(a, b)) {
        if (b.status === "unavailable") edit.unavailable = true;
        else
          edit.options = b.offers.map((o) => {
            const option: Schemas["OptionEdit"] = { part_id: o.partId, quantity: o.quantity };
            if (o.unitPrice !== null) option.unit_price = o.unitPrice;
            return option;
          });
      }
      if (a.note !== b.note) edit.note = b.note;
      return edit;
    });
  }
  return lineIds.length > 0 || body.note !== undefined ? { body, lineIds } : null;
}

/** The price per unit the customer sees for an offer, or `null` when there is none yet. */
export function offerPrice(offer: Offer, levelBasisPoints: number): string | null {
  if (offer.unitPrice !== null) return offer.unitPrice;
  return offer.listPrice === null ? null : discounted(offer.listPrice, levelBasisPoints);
}

/** Units that ship now (the rest is backorder), as the server splits them by stock. */
export function shipsNow(offer: Offer): number {
  return offer.stock === null ? offer.quantity : Math.min(offer.quantity, Math.max(0, offer.stock));
}

export function backorder(offer: Offer): number {
  return offer.quantity - shipsNow(offer);
}

/** `unit price × units shipping now`, as the server totals a line. */
export function offerTotal(offer: Offer, levelBasisPoints: number): string | null {
  const price = offerPrice(offer, levelBasisPoints);
  return price === null ? null : times(price, shipsNow(offer));
}

/** The quote's total: each offered line's proposal, exactly. */
export function quoteTotal(state: QuoteState, levelBasisPoints: number): string {
  const totals: string[] = [];
  for (const line of Object.values(state.lines)) {
    if (line.status !== "offered" || line.offers.length === 0) continue;
    const total = offerTotal(line.offers[0], levelBasisPoints);
    if (total !== null) totals.push(total);
  }
  return sum(totals);
}

export type LineProblem = "price_required" | "price_invalid" | "quantity_invalid";

/** What must be fixed before a quote can be sent, by line. */
export function checkQuote(state: QuoteState, levelBasisPoints: number): Record<string, LineProblem> {
  const problems: Record<string, LineProblem> = {};
  for (const [id, line] of Object.entries(state.lines)) {
    const offer = line.offers[0];
    if (line.status !== "offered" || !offer) continue;
    if (offer.unitPrice !== null && "problem" in checkPrice(offer.unitPrice)) problems[id] = "price_invalid";
    else if (offerPrice(offer, levelBasisPoints) === null) problems[id] = "price_required";
    else if (!Number.isInteger(offer.quantity) || offer.quantity < 1 || offer.quantity > QUANTITY_MAX)
      problems[id] = "quantity_invalid";
  }
  return problems;
}

/** A server field error placed on what the clerk sees. */
export type FieldSlot = "price" | "quantity" | "part" | "options" | "note";

export interface PlacedErrors {
  /** On the quote's note. */
  note?: string;
  lines: Record<string, Partial<Record<FieldSlot, string>>>;
  /** Errors that name nothing on screen. */
  other: string[];
}

const OPTION_FIELD: Record<string, FieldSlot> = { unit_price: "price", quantity: "quantity", part_id: "part" };

/**
 * Places `problem.errors` (JSON pointers into the request: `/lines/1/options/0/unit_price`) on
 * the lines and fields they name; `lineIds` is the request's `lines` order from [`buildUpdate`].
 */
export function placeErrors(
  errors: readonly { field: string; message: string }[],
  lineIds: readonly string[],
): PlacedErrors {
  const placed: PlacedErrors = { lines: {}, other: [] };
  for (const { field, message } of errors) {
    if (field === "/note") {
      placed.note = message;
      continue;
    }
    const match = /^\/lines\/(\d+)(?:\/(.*))?$/.exec(field);
    const id = match ? lineIds[Number(match[1])] : undefined;
    if (!match || !id) {
      placed.other.push(`${field}: ${message}`);
      continue;
    }
    const rest = match[2] ?? "";
    const option = /^options\/(\d+)\/(\w+)$/.exec(rest);
    let slot: FieldSlot | undefined;
    if (option) slot = option[1] === "0" ? OPTION_FIELD[option[2]] : "options";
    else if (rest === "options" || rest === "unavailable") slot = "options";
    else if (rest === "note") slot = "note";
    if (!slot) {
      placed.other.push(`${field}: ${message}`);
      continue;
    }
    const line = (placed.lines[id] ??= {});
    line[slot] = line[slot] ? `${line[slot]}; ${message}` : message;
  }
  return placed;
}
