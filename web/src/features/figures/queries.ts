import { queryOptions } from "@tanstack/react-query";
import { api, unwrap, unwrapJson, type Schemas } from "../../api/client";
import type { Interval, Period } from "./period";

export type SortBy = Schemas["SortBy"];
export type SortOrder = Schemas["SortOrder"];

/** `GET /v1/metrics/summary`: the dealer's totals and series for a period. */
export function summaryQuery(period: Period, interval: Interval) {
  return queryOptions({
    queryKey: ["metrics", "summary", period.from, period.to, interval],
    queryFn: () =>
      unwrap(api.GET("/v1/metrics/summary", { params: { query: { from: period.from, to: period.to, interval } } })),
  });
}

/** `GET /v1/metrics/customers/{id}`: one customer's figures, series and trend. */
export function customerQuery(id: string, period: Period, interval: Interval) {
  return queryOptions({
    queryKey: ["metrics", "customer", id, period.from, period.to, interval],
    queryFn: () =>
      unwrap(
        api.GET("/v1/metrics/customers/{id}", {
          params: { path: { id }, query: { from: period.from, to: period.to, interval } },
        }),
      ),
  });
}

/** One page of the per-customer table, as JSON. */
export async function customerTablePage(
  period: Period,
  sort: SortBy,
  order: SortOrder,
  limit: number,
  cursor: string | undefined,
): Promise<Schemas["CustomerTable"]> {
  return unwrapJson(
    api.GET("/v1/metrics/customers", {
      params: { query: { from: period.from, to: period.to, sort, order, limit, cursor } },
    }),
  );
}

/** The per-customer table's address, for JSON pages and for the CSV of every row. */
export function customerTableUrl(period: Period, sort: SortBy, order: SortOrder): string {
  const query = new URLSearchParams({ from: period.from, to: period.to, sort, order });
  return `/v1/metrics/customers?${query}`;
}
