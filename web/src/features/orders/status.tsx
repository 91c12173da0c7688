import { Tag } from "antd";
import type { Schemas } from "../../api/client";
import { defineMessages, useMessages } from "../../i18n";

export type OrderStatus = Schemas["OrderStatus"];

export const orderStatusMessages = defineMessages({
  "zh-CN": {
    confirmed: "已确认",
    picking: "拣货中",
    dispatched: "已发货",
    delivered: "已签收",
    cancelled: "已取消",
  },
  en: {
    confirmed: "Confirmed",
    picking: "Picking",
    dispatched: "Dispatched",
    delivered: "Delivered",
    cancelled: "Cancelled",
  },
});

const COLORS: Record<OrderStatus, string> = {
  confirmed: "blue",
  picking: "gold",
  dispatched: "cyan",
  delivered: "green",
  cancelled: "default",
};

export function OrderStatusTag({ status, testId }: { status: OrderStatus; testId?: string }) {
  const m = useMessages(orderStatusMessages);
  return (
    <Tag color={COLORS[status]} data-testid={testId} data-status={status}>
      {m[status]}
    </Tag>
  );
}
