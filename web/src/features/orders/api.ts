import { rawFetch, type Schemas } from "../../api/client";
import { filterParams, type ListFilters } from "../inbox/filters";

type Order = Schemas["OrderResponse"];

export const ORDERS_PAGE_SIZE = 50;

/** `GET /v1/orders`, newest first, by customer and the days they were placed on. */
export async function listOrders(filters: ListFilters, cursor?: string): Promise<Schemas["OrderList"]> {
  const params = filterParams({ customerId: filters.customerId, from: filters.from, to: filters.to }, { cursor, limit: ORDERS_PAGE_SIZE });
  const response = await rawFetch(`/v1/orders?${params}`);
  return (await response.json()) as Schemas["OrderList"];
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
