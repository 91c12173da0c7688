import { NotificationOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Badge, Button, Empty, List, Popover, Typography } from "antd";
import { useState } from "react";
import { api, unwrap } from "../api/client";
import { useMessages } from "../i18n";
import { formatDateTime } from "../lib/format";
import { useDealer } from "../session";
import { layoutMessages } from "./messages";

const POLL_MS = 60_000;

/** Messages newer than the last look: counted on the bell. */
export function unseen(items: { created_at: string }[], seenAt: string | null): number {
  return seenAt ? items.filter((i) => i.created_at > seenAt).length : items.length;
}

/**
 * The bell: what the dealer's console channels delivered (inquiries waiting, the call list,
 * spikes, large accepted quotes), newest first; opening it marks them seen on this browser.
 */
export default function NotificationBell({ tenantId }: { tenantId: string }) {
  const m = useMessages(layoutMessages);
  const { timeZone } = useDealer();
  const storageKey = `partsdesk.notifications.seen.${tenantId}`;
  const [seenAt, setSeenAt] = useState<string | null>(() => localStorage.getItem(storageKey));
  const feed = useQuery({
    queryKey: ["notification-feed"],
    queryFn: () => unwrap(api.GET("/v1/notifications/feed", { params: { query: { limit: 20 } } })),
    refetchInterval: POLL_MS,
  });
  const items = feed.data?.items ?? [];
  const count = unseen(items, seenAt);
  const markSeen = () => {
    const newest = items[0]?.created_at;
    if (newest) {
      localStorage.setItem(storageKey, newest);
      setSeenAt(newest);
    }
  };
  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      onOpenChange={(open) => open && markSeen()}
      title={m.notifications}
      content={
        <div style={{ width: 360, maxHeight: 420, overflow: "auto" }} data-testid="notification-feed">
          {items.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={m.noNotifications} />
          ) : (
            <List
              size="small"
              dataSource={items}
              renderItem={(item) => (
                <List.Item key={item.id}>
                  <List.Item.Meta
                    title={item.title}
                    description={<Typography.Text type="secondary">{formatDateTime(item.created_at, timeZone)}</Typography.Text>}
                  />
                </List.Item>
              )}
            />
          )}
        </div>
      }
    >
      <Badge count={count} size="small" offset={[-4, 4]}>
        <Button type="text" icon={<NotificationOutlined />} aria-label={m.notifications} data-testid="notification-bell" />
      </Badge>
    </Popover>
  );
}
