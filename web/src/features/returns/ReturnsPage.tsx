import { useInfiniteQuery } from "@tanstack/react-query";
import { Tag } from "antd";
import { useMemo } from "react";
import { useNavigate } from "react-router";
import { ListScreen } from "../../components/ListScreen";
import type { ListColumn } from "../../components/ListTable";
import { fill, useMessages } from "../../i18n";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useDealer } from "../../session";
import { useCustomerDirectory } from "../inbox/customers";
import { FilterBar, useUrlFilters } from "../inbox/FilterBar";
import { filterParams, hasFilters } from "../inbox/filters";
import { shortId } from "../orders/api";
import { listReturns, returnedUnits, type Return } from "./api";
import { returnMessages } from "./messages";
import { ReturnStatusTag } from "./ReturnStatusTag";

export default function ReturnsPage() {
  const m = useMessages(returnMessages);
  const { timeZone, currency } = useDealer();
  const navigate = useNavigate();
  const customers = useCustomerDirectory();
  const [filters, setFilters] = useUrlFilters();
  const shown = { customerId: filters.customerId, from: filters.from, to: filters.to };
  const filterKey = filterParams(shown).toString();

  const query = useInfiniteQuery({
    queryKey: ["returns", "list", filterKey],
    queryFn: ({ pageParam }) => listReturns(shown, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);

  const columns: ListColumn<Return>[] = [
    {
      key: "customer",
      title: m.customer,
      render: (r) => customers.names.get(r.customer_id) ?? (customers.loading ? "" : m.unknownCustomer),
    },
    { key: "order", title: m.order, width: 110, render: (r) => shortId(r.order_id) },
    { key: "status", title: m.status, width: 100, render: (r) => <ReturnStatusTag status={r.status} testId={`return-row-status-${r.id}`} /> },
    { key: "reason", title: m.reason, width: 120, render: (r) => <Tag>{m[r.reason]}</Tag> },
    { key: "units", title: m.units, width: 70, align: "right", render: (r) => returnedUnits(r) },
    { key: "value", title: m.value, width: 120, align: "right", render: (r) => formatMoney(r.value, currency) },
    { key: "requested", title: m.requestedAt, width: 150, render: (r) => formatDateTime(r.requested_at, timeZone) },
  ];

  return (
    <ListScreen<Return>
      title={m.listTitle}
      hint={m.keyboardHint}
      filters={<FilterBar filters={shown} onChange={setFilters} withStatus={false} testIdPrefix="returns" />}
      query={query}
      items={items}
      columns={columns}
      onOpen={(r) => navigate(`/returns/${r.id}`)}
      empty={hasFilters(shown) ? m.emptyFiltered : m.empty}
      loaded={fill(m.loaded, { n: items.length })}
      loadMore={m.loadMore}
      testIdPrefix="returns"
      rowTestIdPrefix="return-row"
    />
  );
}
