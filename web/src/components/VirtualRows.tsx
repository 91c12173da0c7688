import { useVirtualizer } from "@tanstack/react-virtual";
import type { ReactNode, RefObject } from "react";

/** The rows of a long table that are on screen, with spacer rows standing in for the rest. */
export default function VirtualRows({
  count,
  columns,
  rowHeight,
  scrollRef,
  children,
}: {
  count: number;
  columns: number;
  rowHeight: number;
  scrollRef: RefObject<HTMLDivElement | null>;
  children: (index: number) => ReactNode;
}) {
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  });
  const rows = virtualizer.getVirtualItems();
  const before = rows.length > 0 ? rows[0].start : 0;
  const after = rows.length > 0 ? virtualizer.getTotalSize() - rows[rows.length - 1].end : 0;
  return (
    <>
      {before > 0 ? (
        <tr aria-hidden style={{ height: before }}>
          <td colSpan={columns} style={{ padding: 0, border: 0 }} />
        </tr>
      ) : null}
      {rows.map((r) => children(r.index))}
      {after > 0 ? (
        <tr aria-hidden style={{ height: after }}>
          <td colSpan={columns} style={{ padding: 0, border: 0 }} />
        </tr>
      ) : null}
    </>
  );
}
