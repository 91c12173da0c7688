import { UserOutlined } from "@ant-design/icons";
import { useInfiniteQuery } from "@tanstack/react-query";
import { App, Tag, Tooltip } from "antd";
import { useEffect, useMemo, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { ListScreen } from "../../components/ListScreen";
import type { ListColumn } from "../../components/ListTable";
import { fill, useLocale, useMessages } from "../../i18n";
import { formatDateTime, formatElapsed } from "../../lib/format";
import { useStreamEvents } from "../../lib/stream";
import { useDealer, useMe } from "../../session";
import { QuoteStatusTag } from "../quotes/status";
import { activeClaim, inboxQuery, useResponseTarget, type InboxItem } from "./api";
import { useCustomerDirectory } from "./customers";
import { FilterBar, useUrlFilters } from "./FilterBar";
import { filterParams, hasFilters } from "./filters";
import { inboxMessages } from "./messages";
import { elapsedSeconds, urgency } from "./timer";
import { useNow } from "./useNow";
import "./inbox.css";

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
    ...inboxQuery(filters),
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

  // A proactive quote waits on the dealer, not on a shop: no clock runs on it.
  const waiting = items.filter((i) => i.status === "draft" && i.origin === "shop").length;

  const columns: ListColumn<InboxItem>[] = [
    {
      key: "customer",
      title: m.customer,
      render: (item) => (
        <span>
          {item.read === false ? <span className="inbox-unread-dot" aria-label={m.unread} data-testid={`inbox-unread-${item.id}`} /> : null}
          {item.customer_name}
        </span>
      ),
    },
    {
      key: "reference",
      title: m.reference,
      render: (item) =>
        item.origin === "reminder" ? (
          <Tooltip title={m.proactiveHint}>
            <Tag color="purple" data-testid={`inbox-proactive-${item.id}`}>
              {m.proactive}
            </Tag>
          </Tooltip>
        ) : (
          (item.reference ?? "—")
        ),
    },
    { key: "lines", title: m.lines, width: 72, align: "right", render: (item) => item.line_count },
    {
      key: "status",
      title: m.status,
      width: 104,
      render: (item) => <QuoteStatusTag status={item.status} testId={`inbox-status-${item.id}`} />,
    },
    {
      key: "received",
      title: m.received,
      width: 150,
      render: (item) => formatDateTime(item.received_at, timeZone),
    },
    {
      key: "waiting",
      title: (
        <abbr title={fill(m.targetHint, { n: target })} style={{ textDecoration: "none", cursor: "help" }}>
          {m.waiting}
        </abbr>
      ),
      width: 110,
      render: (item) => {
        if (item.status !== "draft" || item.origin !== "shop") return null;
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
      render: (item) => {
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
    [item.read === false ? "inbox-row-unread" : "", fresh.has(item.id) ? "inbox-row-fresh" : ""].join(" ");

  return (
    <ListScreen<InboxItem>
      title={
        <>
          {m.title}
          {waiting > 0 ? (
            <Tag color="gold" style={{ marginLeft: 12, verticalAlign: "middle" }} data-testid="inbox-waiting-count">
              {fill(m.waitingCount, { n: waiting })}
            </Tag>
          ) : null}
        </>
      }
      hint={m.keyboardHint}
      filters={<FilterBar filters={filters} onChange={setFilters} withUnread testIdPrefix="inbox" />}
      query={query}
      items={items}
      columns={columns}
      rowClassName={rowClass}
      onOpen={(item) => open(item.id)}
      empty={hasFilters(filters) ? m.emptyFiltered : m.empty}
      loaded={fill(m.loaded, { n: items.length })}
      loadMore={m.loadMore}
      testIdPrefix="inbox"
      rowTestIdPrefix="inbox-row"
    />
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
