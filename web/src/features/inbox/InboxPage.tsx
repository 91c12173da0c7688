import { UserOutlined } from "@ant-design/icons";
import { useInfiniteQuery } from "@tanstack/react-query";
import { App, Button, Flex, Table, Tag, Tooltip, Typography, type TableColumnsType } from "antd";
import { type HTMLAttributes, useEffect, useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { QueryState } from "../../components/QueryState";
import { fill, useLocale, useMessages } from "../../i18n";
import { formatDateTime, formatElapsed } from "../../lib/format";
import { useStreamEvents } from "../../lib/stream";
import { useDealer, useMe } from "../../session";
import { QuoteStatusTag } from "../quotes/status";
import { activeClaim, listInquiries, useResponseTarget, type InboxItem } from "./api";
import { useCustomerDirectory } from "./customers";
import { FilterBar, useUrlFilters } from "./FilterBar";
import { filterParams, hasFilters } from "./filters";
import { inboxMessages } from "./messages";
import { elapsedSeconds, urgency } from "./timer";
import { useNow } from "./useNow";
import { useRowKeys } from "./useRowKeys";
import "./inbox.css";

/** Past this many rows the table renders only what is on screen. */
const VIRTUAL_FROM = 200;
const FRESH_MS = 3000;

export default function InboxPage() {
  const m = useMessages(inboxMessages);
  const { locale } = useLocale();
  const { timeZone } = useDealer();
  const me = useMe();
  const navigate = useNavigate();
  const { notification } = App.useApp();
  const [filters, setFilters] = useUrlFilters();
  const filterKey = filterParams(filters).toString();
  const customers = useCustomerDirectory();
  const target = useResponseTarget();
  const now = useNow();

  const query = useInfiniteQuery({
    queryKey: ["inquiries", "inbox", filterKey],
    queryFn: ({ pageParam }) => listInquiries(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // The live stream refreshes the list at once; this only bounds how stale it gets without it.
    refetchInterval: 30_000,
  });
  const items = useMemo(() => query.data?.pages.flatMap((p) => p.items) ?? [], [query.data]);

  const fresh = useFreshRows(items, query.isSuccess, filterKey);
  useStreamEvents((event) => {
    if (event.kind !== "inquiry_received") return;
    const customer = (event.customer_id && customers.names.get(event.customer_id)) || m.unknownCustomer;
    const lines = typeof event.payload.lines === "number" ? event.payload.lines : 0;
    notification.info({
      title: m.newInquiry,
      description: fill(m.newInquiryDetail, { customer, lines }),
      placement: "bottomRight",
      duration: 4,
    });
  });

  const open = (id: string) => navigate(`/inquiries/${id}`);
  const { selectedId, setSelectedId, tableRef } = useRowKeys(items, (item) => open(item.id));

  const waiting = items.filter((i) => i.status === "draft").length;

  const columns: TableColumnsType<InboxItem> = [
    {
      key: "customer",
      title: m.customer,
      render: (_, item) => (
        <span>
          {item.read === false ? <span className="inbox-unread-dot" aria-label={m.unread} data-testid={`inbox-unread-${item.id}`} /> : null}
          {item.customer_name}
        </span>
      ),
    },
    { key: "reference", title: m.reference, dataIndex: "reference", render: (r: string | null) => r ?? "—" },
    { key: "lines", title: m.lines, dataIndex: "line_count", width: 72, align: "right" },
    {
      key: "status",
      title: m.status,
      width: 104,
      render: (_, item) => <QuoteStatusTag status={item.status} testId={`inbox-status-${item.id}`} />,
    },
    {
      key: "received",
      title: m.received,
      width: 150,
      render: (_, item) => formatDateTime(item.received_at, timeZone),
    },
    {
      key: "waiting",
      title: <Tooltip title={fill(m.targetHint, { n: target })}>{m.waiting}</Tooltip>,
      width: 110,
      render: (_, item) => {
        if (item.status !== "draft") return null;
        const seconds = elapsedSeconds(item.received_at, now);
        const level = urgency(seconds, target);
        return (
          <span className={`inbox-timer-${level}`} data-testid={`inbox-timer-${item.id}`} data-urgency={level}>
            {formatElapsed(seconds, locale)}
          </span>
        );
      },
    },
    {
      key: "handler",
      title: m.handler,
      width: 120,
      render: (_, item) => {
        const claim = activeClaim(item.claim, now);
        return (
          <span data-testid={`inbox-claim-${item.id}`}>
            {claim ? (
              <Tag icon={<UserOutlined />} color={claim.user_id === me.user.id ? "blue" : "purple"}>
                {claim.user_id === me.user.id ? m.you : claim.user_name}
              </Tag>
            ) : null}
          </span>
        );
      },
    },
  ];

  const rowClass = (item: InboxItem) =>
    [
      "inbox-row",
      item.read === false ? "inbox-row-unread" : "",
      item.id === selectedId ? "inbox-row-selected" : "",
      fresh.has(item.id) ? "inbox-row-fresh" : "",
    ]
      .filter(Boolean)
      .join(" ");

  const virtual = items.length > VIRTUAL_FROM;

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {m.title}
          {waiting > 0 ? (
            <Tag color="gold" style={{ marginLeft: 12, verticalAlign: "middle" }} data-testid="inbox-waiting-count">
              {fill(m.waitingCount, { n: waiting })}
            </Tag>
          ) : null}
        </Typography.Title>
        <Typography.Text type="secondary">{m.keyboardHint}</Typography.Text>
      </Flex>
      <FilterBar filters={filters} onChange={setFilters} withUnread testIdPrefix="inbox" />
      <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
        {() => (
          <>
            <Table<InboxItem>
              ref={tableRef}
              rowKey="id"
              size="middle"
              columns={columns}
              dataSource={items}
              pagination={false}
              virtual={virtual}
              scroll={virtual ? { y: 640, x: 900 } : { x: 900 }}
              rowClassName={rowClass}
              locale={{ emptyText: hasFilters(filters) ? m.emptyFiltered : m.empty }}
              onRow={(item) =>
                ({
                  "data-testid": `inbox-row-${item.id}`,
                  onClick: () => open(item.id),
                  onMouseEnter: () => setSelectedId(item.id),
                }) as HTMLAttributes<HTMLElement>
              }
              data-testid="inbox-table"
            />
            <Flex justify="center" align="center" gap={12} style={{ marginTop: 12 }}>
              <Typography.Text type="secondary">{fill(m.loaded, { n: items.length })}</Typography.Text>
              {query.hasNextPage ? (
                <Button onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage} data-testid="inbox-load-more">
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

/**
 * Rows that arrived while the list was open (not those of the first load, a filter change or
 * "load more"), highlighted for a few seconds.
 */
function useFreshRows(items: InboxItem[], loaded: boolean, filterKey: string): Set<string> {
  const known = useRef<{ key: string; ids: Set<string>; newest: string } | null>(null);
  const timers = useRef<number[]>([]);
  const [fresh, setFresh] = useState<Set<string>>(() => new Set());
  useEffect(() => () => timers.current.forEach((t) => window.clearTimeout(t)), []);
  useEffect(() => {
    if (!loaded) return;
    if (!known.current || known.current.key !== filterKey) {
      known.current = { key: filterKey, ids: new Set(items.map((i) => i.id)), newest: items[0]?.id ?? "" };
      return;
    }
    const seen = known.current;
    const added = items.filter((i) => !seen.ids.has(i.id));
    for (const item of added) seen.ids.add(item.id);
    // Ids grow with time: a page fetched with "load more" holds older ones, arrivals newer ones.
    const arrived = added.filter((i) => i.id > seen.newest).map((i) => i.id);
    if (arrived.length === 0) return;
    setFresh((prev) => new Set([...prev, ...arrived]));
    timers.current.push(
      window.setTimeout(() => setFresh((prev) => new Set([...prev].filter((id) => !arrived.includes(id)))), FRESH_MS),
    );
  }, [items, loaded, filterKey]);
  return fresh;
}
