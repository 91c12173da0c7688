import { Tag } from "antd";
import { useMessages } from "../../i18n";
import { catalogMessages } from "./messages";

const COLORS: Record<string, string> = { queued: "default", running: "processing", succeeded: "success", failed: "error" };

/** An import job's state as a tag; `data-state` carries the API's value for tests. */
export function ImportStateTag({ state, testId }: { state: string; testId?: string }) {
  const m = useMessages(catalogMessages);
  const labels: Record<string, string> = {
    queued: m.stateQueued,
    running: m.stateRunning,
    succeeded: m.stateSucceeded,
    failed: m.stateFailed,
  };
  return (
    <Tag color={COLORS[state] ?? "default"} data-testid={testId} data-state={state}>
      {labels[state] ?? state}
    </Tag>
  );
}

/** The import modes' words. */
export function useModeLabel() {
  const m = useMessages(catalogMessages);
  return (mode: string) => (mode === "replace" ? m.modeReplace : mode === "upsert" ? m.modeUpsert : mode);
}
