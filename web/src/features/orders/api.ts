import { api, unwrap, type Schemas } from "../../api/client";
import { filterQuery, type ListFilters } from "../inbox/filters";

type Order = Schemas["OrderResponse"];

export const ORDERS_PAGE_SIZE = 50;

/** `GET /v1/orders`, newest first, by customer and the days they were placed on. */
export function listOrders(filters: ListFilters, cursor?: string): Promise<Schemas["OrderList"]> {
  const { customer_id, from, to } = filterQuery(filters);
  return unwrap(api.GET("/v1/orders", { params: { query: { customer_id, from, to, cursor, limit: ORDERS_PAGE_SIZE } } }));
}

export function units(order: Order): { units: number; backorder: number } {
  let total = 0;
  let backorder = 0;
  for (const line of order.lines) {
    total += line.quantity;
    backorder += line.backorder_quantity;
  }
  return { units: total, backorder };
}

/** The short form of an id people read out on the phone: its last eight characters. */
export function shortId(id: string): string {
  return id.slice(-8).toUpperCase();
}
