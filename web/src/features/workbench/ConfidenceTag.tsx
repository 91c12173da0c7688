import { Tag } from "antd";
import { useMessages } from "../../i18n";
import { workbenchMessages } from "./messages";

type Messages = (typeof workbenchMessages)["zh-CN"];

const COLORS: Record<string, string> = { exact: "green", high: "blue", low: "orange", none: "red" };

/** How sure the matcher was: exact, high, low, or nothing matched. */
export function ConfidenceTag({ confidence }: { confidence: string | null | undefined }) {
  const m = useMessages(workbenchMessages);
  if (!confidence) return null;
  const key = `confidence_${confidence}` as keyof Messages;
  return (
    <Tag color={COLORS[confidence] ?? "default"} data-confidence={confidence}>
      {key in m ? m[key] : confidence}
    </Tag>
  );
}
