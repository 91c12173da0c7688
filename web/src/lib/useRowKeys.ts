import { useEffect, useState } from "react";
import { isTypingTarget, overlayOpen } from "./keys";

/**
 * Keyboard use of a list: ↑/↓ move the selection, Enter opens the selected row. Keys typed
 * into the filters are left alone.
 */
export function useRowKeys<T extends { id: string }>(
  items: readonly T[],
  open: (item: T) => void,
  /** Brings the row at `index` into view. */
  reveal: (id: string, index: number) => void,
) {
  const [selectedId, setSelectedId] = useState<string | null>(null);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || isTypingTarget(event.target) || overlayOpen()) return;
      if (items.length === 0) return;
      const index = items.findIndex((i) => i.id === selectedId);
      let next: number;
      if (event.key === "ArrowDown") next = index < 0 ? 0 : Math.min(items.length - 1, index + 1);
      else if (event.key === "ArrowUp") next = index < 0 ? 0 : Math.max(0, index - 1);
      else if (event.key === "Enter" && index >= 0) {
        event.preventDefault();
        open(items[index]);
        return;
      } else return;
      event.preventDefault();
      setSelectedId(items[next].id);
      reveal(items[next].id, next);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  return { selectedId, setSelectedId };
}
