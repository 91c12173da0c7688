import { useInfiniteQuery } from "@tanstack/react-query";
import { Typography } from "antd";
import { useMemo } from "react";
import { useNavigate } from "react-router";
import type { Schemas } from "../../api/client";
import { ListScreen } from "../../components/ListScreen";
import type { ListColumn } from "../../components/ListTable";
import { fill, useMessages } from "../../i18n";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useDealer } from "../../session";
import { useCustomerDirectory } from "../inbox/customers";
import { FilterBar, useUrlFilters } from "../inbox/FilterBar";
import { filterParams, hasFilters } from "../inbox/filters";
import { listOrders, shortId, units } from "./api";
import { orderMessages } from "./messages";
import { OrderStatusTag } from "./status";

type Order = Schemas["OrderResponse"];

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

  const columns: ListColumn<Order>[] = [
    {
      key: "id",
      title: m.order,
      width: 110,
      render: (o) => <Typography.Text code>{shortId(o.id)}</Typography.Text>,
    },
    {
      key: "customer",
      title: m.customer,
      render: (o) => customers.names.get(o.customer_id) ?? (customers.loading ? "" : m.unknownCustomer),
    },
    {
      key: "status",
      title: m.status,
      width: 100,
      render: (o) => <OrderStatusTag status={o.status} testId={`order-row-status-${o.id}`} />,
    },
    { key: "lines", title: m.lines, width: 70, align: "right", render: (o) => o.lines.length },
    { key: "units", title: m.units, width: 80, align: "right", render: (o) => units(o).units },
    {
      key: "backorder",
      title: m.backorder,
      width: 80,
      align: "right",
      render: (o) => {
        const b = units(o).backorder;
        return b > 0 ? <Typography.Text type="warning">{b}</Typography.Text> : "—";
      },
    },
    {
      key: "total",
      title: m.total,
      width: 130,
      align: "right",
      render: (o) => <span data-testid={`order-row-total-${o.id}`}>{formatMoney(o.total, o.currency)}</span>,
    },
    { key: "placed", title: m.placed, width: 150, render: (o) => formatDateTime(o.created_at, timeZone) },
  ];

  return (
    <ListScreen<Order>
      title={m.listTitle}
      hint={m.keyboardHint}
      filters={<FilterBar filters={shown} onChange={setFilters} withStatus={false} testIdPrefix="orders" />}
      query={query}
      items={items}
      columns={columns}
      onOpen={open}
      empty={hasFilters(shown) ? m.emptyFiltered : m.empty}
      loaded={fill(m.loaded, { n: items.length })}
      loadMore={m.loadMore}
      testIdPrefix="orders"
      rowTestIdPrefix="order-row"
    />
  );
}
