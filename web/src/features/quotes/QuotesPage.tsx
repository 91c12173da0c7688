import { useInfiniteQuery } from "@tanstack/react-query";
import { Button, Flex, Table, Typography, type TableColumnsType } from "antd";
import { type HTMLAttributes, useMemo } from "react";
import { Link, useNavigate } from "react-router";
import { QueryState } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useDealer } from "../../session";
import { FilterBar, useUrlFilters } from "../inbox/FilterBar";
import { filterParams, hasFilters } from "../inbox/filters";
import { useRowKeys } from "../inbox/useRowKeys";
import { listQuotes, type QuoteSummary } from "./api";
import { quoteMessages } from "./messages";
import { QuoteStatusTag } from "./status";
import "../inbox/inbox.css";

const VIRTUAL_FROM = 200;

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
  const { selectedId, setSelectedId, tableRef } = useRowKeys(items, open);

  const columns: TableColumnsType<QuoteSummary> = [
    { key: "customer", title: m.customer, render: (_, q) => q.customer_name },
    {
      key: "status",
      title: m.status,
      width: 110,
      render: (_, q) => <QuoteStatusTag status={q.status} testId={`quote-row-status-${q.id}`} />,
    },
    {
      key: "lines",
      title: m.lines,
      width: 90,
      align: "right",
      render: (_, q) => fill(m.linesValue, { offered: q.lines_offered, count: q.line_count }),
    },
    {
      key: "total",
      title: m.total,
      width: 130,
      align: "right",
      render: (_, q) => formatMoney(q.total, q.currency),
    },
    { key: "created", title: m.created, width: 150, render: (_, q) => formatDateTime(q.created_at, timeZone) },
    { key: "sent", title: m.sent, width: 150, render: (_, q) => formatDateTime(q.sent_at, timeZone) },
    { key: "valid", title: m.validUntil, width: 150, render: (_, q) => formatDateTime(q.expires_at, timeZone) },
    {
      key: "order",
      title: m.order,
      width: 90,
      render: (_, q) =>
        q.order_id ? (
          <Link to={`/orders/${q.order_id}`} onClick={(e) => e.stopPropagation()}>
            {m.openOrder}
          </Link>
        ) : null,
    },
  ];

  const virtual = items.length > VIRTUAL_FROM;
  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {m.listTitle}
        </Typography.Title>
        <Typography.Text type="secondary">{m.keyboardHint}</Typography.Text>
      </Flex>
      <FilterBar filters={filters} onChange={setFilters} testIdPrefix="quotes" />
      <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
        {() => (
          <>
            <Table<QuoteSummary>
              ref={tableRef}
              rowKey="id"
              size="middle"
              columns={columns}
              dataSource={items}
              pagination={false}
              virtual={virtual}
              scroll={virtual ? { y: 640, x: 1000 } : { x: 1000 }}
              rowClassName={(q) => `inbox-row${q.id === selectedId ? " inbox-row-selected" : ""}`}
              locale={{ emptyText: hasFilters(filters) ? m.emptyFiltered : m.empty }}
              onRow={(q) =>
                ({
                  "data-testid": `quote-row-${q.id}`,
                  onClick: () => open(q),
                  onMouseEnter: () => setSelectedId(q.id),
                }) as HTMLAttributes<HTMLElement>
              }
              data-testid="quotes-table"
            />
            <Flex justify="center" align="center" gap={12} style={{ marginTop: 12 }}>
              <Typography.Text type="secondary">{fill(m.loaded, { n: items.length })}</Typography.Text>
              {query.hasNextPage ? (
                <Button onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage} data-testid="quotes-load-more">
                  {m.loadMore}
                </Button>
              ) : null}
            </Flex>
          </>
        )}
      </QueryState>
    </Flex>
  );
}
