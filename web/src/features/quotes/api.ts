import { rawFetch } from "../../api/client";
import { filterParams, type ListFilters } from "../inbox/filters";
import type { QuoteStatus } from "./status";

/** One quote in `GET /v1/quotes`. */
export interface QuoteSummary {
  id: string;
  inquiry_id: string;
  customer_id: string;
  customer_name: string;
  status: QuoteStatus;
  currency: string;
  total: string;
  /** Lines in the quote, and of those the lines with a price. */
  line_count: number;
  lines_offered: number;
  created_at: string;
  sent_at?: string | null;
  /** Until when a sent quote can be accepted. */
  expires_at?: string | null;
  order_id?: string | null;
}

export interface QuotePage {
  items: QuoteSummary[];
  next_cursor?: string | null;
}

export const QUOTES_PAGE_SIZE = 50;

export async function listQuotes(filters: ListFilters, cursor?: string): Promise<QuotePage> {
  const params = filterParams(filters, { cursor, limit: QUOTES_PAGE_SIZE });
  const response = await rawFetch(`/v1/quotes?${params}`);
  return (await response.json()) as QuotePage;
}
