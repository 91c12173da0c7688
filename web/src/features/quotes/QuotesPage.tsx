import { useInfiniteQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { Link, useNavigate } from "react-router";
import { ListScreen } from "../../components/ListScreen";
import type { ListColumn } from "../../components/ListTable";
import { fill, useMessages } from "../../i18n";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useDealer } from "../../session";
import { FilterBar, useUrlFilters } from "../inbox/FilterBar";
import { filterParams, hasFilters } from "../inbox/filters";
import { listQuotes, type QuoteSummary } from "./api";
import { quoteMessages } from "./messages";
import { QuoteStatusTag } from "./status";

export default function QuotesPage() {
  const m = useMessages(quoteMessages);
  const { timeZone } = useDealer();
  const navigate = useNavigate();
  const [filters, setFilters] = useUrlFilters();
  const filterKey = filterParams(filters).toString();

  const query = useInfiniteQuery({
    queryKey: ["quotes", "list", filterKey],
    queryFn: ({ pageParam }) => listQuotes(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const open = (item: QuoteSummary) => navigate(`/quotes/${item.id}`);

  const columns: ListColumn<QuoteSummary>[] = [
    { key: "customer", title: m.customer, render: (q) => q.customer_name },
    {
      key: "status",
      title: m.status,
      width: 110,
      render: (q) => <QuoteStatusTag status={q.status} testId={`quote-row-status-${q.id}`} />,
    },
    {
      key: "lines",
      title: m.lines,
      width: 90,
      align: "right",
      render: (q) => fill(m.linesValue, { offered: q.lines_offered, count: q.line_count }),
    },
    {
      key: "total",
      title: m.total,
      width: 130,
      align: "right",
      render: (q) => formatMoney(q.total, q.currency),
    },
    { key: "created", title: m.created, width: 150, render: (q) => formatDateTime(q.created_at, timeZone) },
    { key: "sent", title: m.sent, width: 150, render: (q) => formatDateTime(q.sent_at, timeZone) },
    { key: "valid", title: m.validUntil, width: 150, render: (q) => formatDateTime(q.expires_at, timeZone) },
    {
      key: "order",
      title: m.order,
      width: 90,
      render: (q) =>
        q.order_id ? (
          <Link to={`/orders/${q.order_id}`} onClick={(e) => e.stopPropagation()}>
            {m.openOrder}
          </Link>
        ) : null,
    },
  ];

  return (
    <ListScreen<QuoteSummary>
      title={m.listTitle}
      hint={m.keyboardHint}
      filters={<FilterBar filters={filters} onChange={setFilters} testIdPrefix="quotes" />}
      query={query}
      items={items}
      columns={columns}
      onOpen={open}
      empty={hasFilters(filters) ? m.emptyFiltered : m.empty}
      loaded={fill(m.loaded, { n: items.length })}
      loadMore={m.loadMore}
      testIdPrefix="quotes"
      rowTestIdPrefix="quote-row"
    />
  );
}
