import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { api, unwrap, type Schemas } from "../../api/client";

type Customer = Schemas["CustomerResponse"];

async function allCustomers(): Promise<Customer[]> {
  const customers: Customer[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(api.GET("/v1/customers", { params: { query: { limit: 200, cursor } } }));
    customers.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return customers;
}

/**
 * The dealer's customers by id, loaded once for the lists that carry only `customer_id`
 * (inquiries, orders) and for their customer filters; customer events refresh it.
 */
export function useCustomerDirectory() {
  const query = useQuery({ queryKey: ["customers", "directory"], queryFn: allCustomers, staleTime: 5 * 60_000 });
  return useMemo(() => {
    const list = query.data ?? [];
    const names = new Map(list.map((c) => [c.id, c.name]));
    const options = list
      .map((c) => ({ value: c.id, label: c.name }))
      .sort((a, b) => a.label.localeCompare(b.label, "zh-CN"));
    return { names, options, loading: query.isPending };
  }, [query.data, query.isPending]);
}
