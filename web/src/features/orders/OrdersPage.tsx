import { useInfiniteQuery } from "@tanstack/react-query";
import { Button, Flex, Table, Typography, type TableColumnsType } from "antd";
import { type HTMLAttributes, useMemo } from "react";
import { useNavigate } from "react-router";
import type { Schemas } from "../../api/client";
import { QueryState } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useDealer } from "../../session";
import { useCustomerDirectory } from "../inbox/customers";
import { FilterBar, useUrlFilters } from "../inbox/FilterBar";
import { filterParams, hasFilters } from "../inbox/filters";
import { useRowKeys } from "../inbox/useRowKeys";
import { listOrders, shortId, units } from "./api";
import { orderMessages } from "./messages";
import "../inbox/inbox.css";

type Order = Schemas["OrderResponse"];

const VIRTUAL_FROM = 200;

export default function OrdersPage() {
  const m = useMessages(orderMessages);
  const { timeZone } = useDealer();
  const navigate = useNavigate();
  const customers = useCustomerDirectory();
  const [filters, setFilters] = useUrlFilters();
  const shown = { customerId: filters.customerId, from: filters.from, to: filters.to };
  const filterKey = filterParams(shown).toString();

  const query = useInfiniteQuery({
    queryKey: ["orders", "list", filterKey],
    queryFn: ({ pageParam }) => listOrders(shown, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);
  const open = (order: Order) => navigate(`/orders/${order.id}`);
  const { selectedId, setSelectedId, tableRef } = useRowKeys(items, open);

  const columns: TableColumnsType<Order> = [
    {
      key: "id",
      title: m.order,
      width: 110,
      render: (_, o) => <Typography.Text code>{shortId(o.id)}</Typography.Text>,
    },
    {
      key: "customer",
      title: m.customer,
      render: (_, o) => customers.names.get(o.customer_id) ?? (customers.loading ? "" : m.unknownCustomer),
    },
    { key: "lines", title: m.lines, width: 70, align: "right", render: (_, o) => o.lines.length },
    { key: "units", title: m.units, width: 80, align: "right", render: (_, o) => units(o).units },
    {
      key: "backorder",
      title: m.backorder,
      width: 80,
      align: "right",
      render: (_, o) => {
        const b = units(o).backorder;
        return b > 0 ? <Typography.Text type="warning">{b}</Typography.Text> : "—";
      },
    },
    {
      key: "total",
      title: m.total,
      width: 130,
      align: "right",
      render: (_, o) => <span data-testid={`order-row-total-${o.id}`}>{formatMoney(o.total, o.currency)}</span>,
    },
    { key: "placed", title: m.placed, width: 150, render: (_, o) => formatDateTime(o.created_at, timeZone) },
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
      <FilterBar filters={shown} onChange={setFilters} withStatus={false} testIdPrefix="orders" />
      <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
        {() => (
          <>
            <Table<Order>
              ref={tableRef}
              rowKey="id"
              size="middle"
              columns={columns}
              dataSource={items}
              pagination={false}
              virtual={virtual}
              scroll={virtual ? { y: 640, x: 900 } : { x: 900 }}
              rowClassName={(o) => `inbox-row${o.id === selectedId ? " inbox-row-selected" : ""}`}
              locale={{ emptyText: hasFilters(shown) ? m.emptyFiltered : m.empty }}
              onRow={(o) =>
                ({
                  "data-testid": `order-row-${o.id}`,
                  onClick: () => open(o),
                  onMouseEnter: () => setSelectedId(o.id),
                }) as HTMLAttributes<HTMLElement>
              }
              data-testid="orders-table"
            />
            <Flex justify="center" align="center" gap={12} style={{ marginTop: 12 }}>
              <Typography.Text type="secondary">{fill(m.loaded, { n: items.length })}</Typography.Text>
              {query.hasNextPage ? (
                <Button onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage} data-testid="orders-load-more">
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
