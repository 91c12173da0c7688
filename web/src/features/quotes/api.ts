import { api, unwrap, type Schemas } from "../../api/client";
import { filterQuery, type ListFilters } from "../inbox/filters";

/** One quote in `GET /v1/quotes`. */
export type QuoteSummary = Schemas["QuoteSummary"];

export const QUOTES_PAGE_SIZE = 50;

export function listQuotes(filters: ListFilters, cursor?: string): Promise<Schemas["QuoteList"]> {
  const { status, customer_id, from, to } = filterQuery(filters);
  return unwrap(
    api.GET("/v1/quotes", { params: { query: { status, customer_id, from, to, cursor, limit: QUOTES_PAGE_SIZE } } }),
  );
}
