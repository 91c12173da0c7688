import { isQuoteStatus, type QuoteStatus } from "../quotes/status";

/**
 * The filters of the inquiry, quote and order lists. They live in the URL's query string
 * (so a filtered list can be bookmarked, shared and reloaded) under the API's own names.
 */
export interface ListFilters {
  status?: QuoteStatus;
  customerId?: string;
  /** First day, `YYYY-MM-DD` in the dealer's time zone. */
  from?: string;
  /** Last day, inclusive, `YYYY-MM-DD` in the dealer's time zone. */
  to?: string;
  unread?: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const CUSTOMER = /^cus_[0-9a-f]{32}$/;

/** Reads filters from a query string, ignoring anything malformed (a hand-edited URL). */
export function readFilters(params: URLSearchParams): ListFilters {
  const filters: ListFilters = {};
  const status = params.get("status");
  if (isQuoteStatus(status)) filters.status = status;
  const customer = params.get("customer_id");
  if (customer && CUSTOMER.test(customer)) filters.customerId = customer;
  const from = params.get("from");
  if (from && DAY.test(from)) filters.from = from;
  const to = params.get("to");
  if (to && DAY.test(to)) filters.to = to;
  if (params.get("unread") === "true") filters.unread = true;
  return filters;
}

/** The query string for filters (also what the list endpoints take), plus paging. */
export function filterParams(filters: ListFilters, page: { cursor?: string; limit?: number } = {}): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.status) params.set("status", filters.status);
  if (filters.customerId) params.set("customer_id", filters.customerId);
  if (filters.from) params.set("from", filters.from);
  if (filters.to) params.set("to", filters.to);
  if (filters.unread) params.set("unread", "true");
  if (page.limit) params.set("limit", String(page.limit));
  if (page.cursor) params.set("cursor", page.cursor);
  return params;
}

/** The filters as the list endpoints' typed query. */
export function filterQuery(filters: ListFilters) {
  return {
    status: filters.status,
    customer_id: filters.customerId,
    from: filters.from,
    to: filters.to,
    unread: filters.unread,
  };
}

export function hasFilters(filters: ListFilters): boolean {
  return Object.values(filters).some((v) => v !== undefined && v !== false);
}
