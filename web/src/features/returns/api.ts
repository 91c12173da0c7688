import { api, unwrap, type Schemas } from "../../api/client";
import { filterQuery, type ListFilters } from "../inbox/filters";

export type Return = Schemas["ReturnResponse"];
export type ReturnStatus = Schemas["ReturnStatus"];

export const RETURNS_PAGE_SIZE = 50;

/** `GET /v1/returns`, newest first, by customer and the days they were opened on. */
export function listReturns(filters: ListFilters, cursor?: string): Promise<Schemas["ReturnList"]> {
  const { customer_id, from, to } = filterQuery(filters);
  return unwrap(api.GET("/v1/returns", { params: { query: { customer_id, from, to, cursor, limit: RETURNS_PAGE_SIZE } } }));
}

export function returnedUnits(r: Return): number {
  return r.lines.reduce((sum, line) => sum + line.quantity, 0);
}
