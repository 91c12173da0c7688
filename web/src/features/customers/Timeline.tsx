import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Flex, Space, Timeline as AntTimeline, Typography } from "antd";
import { useMemo } from "react";
import { Link } from "react-router";
import { api, unwrap } from "../../api/client";
import { QueryState } from "../../components/QueryState";
import { fill, useLocale, useMessages } from "../../i18n";
import { formatDateTime, formatDuration, formatMoney } from "../../lib/format";
import { useStreamEvents } from "../../lib/stream";
import { useDealer, usePermissions } from "../../session";
import { usersQuery } from "../settings/queries";
import { customerMessages } from "./messages";
import { describeEvent, type CustomerEvent } from "./timeline";

const PAGE_SIZE = 50;

/** Names for the actors of events (staff and shop keys), where the role may list them. */
function useActorNames(customerId: string) {
  const { canAdmin } = usePermissions();
  const users = useQuery({ ...usersQuery, enabled: canAdmin, staleTime: 300_000 });
  const keys = useQuery({
    queryKey: ["customer", customerId, "api-keys"],
    queryFn: () => unwrap(api.GET("/v1/customers/{id}/api-keys", { params: { path: { id: customerId } } })),
    enabled: canAdmin,
  });
  return useMemo(() => {
    const names = new Map<string, string>();
    for (const user of users.data ?? []) names.set(user.id, user.name);
    for (const key of keys.data?.items ?? []) names.set(key.id, key.name ?? `${key.prefix}…`);
    return names;
  }, [users.data, keys.data]);
}

/** A customer's touchpoints, newest first, a page at a time. */
export function CustomerTimeline({ customerId }: { customerId: string }) {
  const m = useMessages(customerMessages);
  const { locale } = useLocale();
  const { timeZone } = useDealer();
  const client = useQueryClient();
  const names = useActorNames(customerId);
  const events = useInfiniteQuery({
    queryKey: ["customer", customerId, "events"],
    queryFn: ({ pageParam }) =>
      unwrap(
        api.GET("/v1/customers/{id}/events", {
          params: { path: { id: customerId }, query: { order: "desc", limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  // Inquiries, quotes and orders of this customer land on its timeline as they happen.
  useStreamEvents((event) => {
    if (event.customer_id === customerId) client.invalidateQueries({ queryKey: ["customer", customerId, "events"] });
  });

  const newestFirst = useMemo(() => events.data?.pages.flatMap((p) => p.items) ?? [], [events.data]);
  const fieldLabels: Record<string, string> = {
    name: m.name,
    contact_name: m.contact,
    phone: m.phone,
    email: m.email,
    address: m.address,
    price_level: m.priceLevel,
    notes: m.notes,
  };
  const linkLabels = { inquiry: m.linkInquiry, quote: m.linkQuote, order: m.linkOrder };
  const actor = (event: CustomerEvent) => {
    if (!event.actor) return m.actorSystem;
    const name = names.get(event.actor);
    if (event.actor.startsWith("key_")) return name ? fill(m.actorShopNamed, { name }) : m.actorShop;
    return name ?? m.actorStaff;
  };

  return (
    <QueryState isPending={events.isPending} error={events.error} onRetry={() => events.refetch()}>
      {() =>
        newestFirst.length === 0 ? (
          <Typography.Text type="secondary">{m.noEvents}</Typography.Text>
        ) : (
          <Flex vertical gap={8}>
            <AntTimeline
              data-testid="customer-timeline"
              items={newestFirst.map((event) => {
                const wording = describeEvent(event, m, {
                  fill,
                  money: formatMoney,
                  duration: (seconds) => formatDuration(seconds, locale),
                  fieldLabel: (field) => fieldLabels[field] ?? field,
                });
                return {
                  key: event.id,
                  color: wording.color,
                  content: (
                    <div data-testid="timeline-event" data-kind={event.kind}>
                      <Typography.Text>{wording.text}</Typography.Text>
                      <div>
                        <Space size="middle" wrap>
                          <Typography.Text type="secondary">{formatDateTime(event.occurred_at, timeZone)}</Typography.Text>
                          <Typography.Text type="secondary">{actor(event)}</Typography.Text>
                          {wording.links.map((link) => (
                            <Link key={link.to} to={link.to}>
                              {linkLabels[link.label]}
                            </Link>
                          ))}
                        </Space>
                      </div>
                    </div>
                  ),
                };
              })}
            />
            {events.hasNextPage && (
              <Button
                onClick={() => events.fetchNextPage()}
                loading={events.isFetchingNextPage}
                style={{ alignSelf: "center" }}
                data-testid="timeline-older"
              >
                {m.olderEvents}
              </Button>
            )}
          </Flex>
        )
      }
    </QueryState>
  );
}
