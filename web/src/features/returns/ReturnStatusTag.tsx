import { Tag } from "antd";
import { useMessages } from "../../i18n";
import type { ReturnStatus } from "./api";
import { returnMessages } from "./messages";

const COLORS: Record<ReturnStatus, string> = {
  requested: "gold",
  accepted: "blue",
  rejected: "default",
  resolved: "green",
};

export function ReturnStatusTag({ status, testId }: { status: ReturnStatus; testId?: string }) {
  const m = useMessages(returnMessages);
  return (
    <Tag color={COLORS[status]} data-testid={testId} data-status={status}>
      {m[status]}
    </Tag>
  );
}
