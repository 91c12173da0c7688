import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { api, unwrap, type Schemas } from "../../api/client";

type Customer = Schemas["CustomerResponse"];

async function allCustomers(): Promise<Customer[]> {
  const customers: Customer[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap(
      api.GET("/v1/customers", { params: { query: { limit: 200, cursor, include_archived: true } } }),
    );
    customers.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return customers;
}

/**
 * The dealer's customers by id, archived ones included, loaded once for the lists that carry
 * only `customer_id` (inquiries, orders, returns) and for their customer filters; customer
 * events refresh it.
 */
export function useCustomerDirectory() {
  const query = useQuery({ queryKey: ["customers", "directory"], queryFn: allCustomers, staleTime: 5 * 60_000 });
  return useMemo(() => {
    const list = query.data ?? [];
    // Archived customers still name their history; only current ones are offered as filters.
    const names = new Map(list.map((c) => [c.id, c.name]));
    const options = list
      .filter((c) => !c.archived_at)
      .map((c) => ({ value: c.id, label: c.name }))
      .sort((a, b) => a.label.localeCompare(b.label, "zh-CN"));
    return { names, options, loading: query.isPending };
  }, [query.data, query.isPending]);
}
