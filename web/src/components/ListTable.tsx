import { lazy, Suspense, type ReactNode, type RefObject } from "react";
import "./ListTable.css";

/**
 * A plain HTML table in Ant Design's look, for lists on the first screen: Ant Design's Table
 * is about 65 KiB of compressed code, a quarter of what the inbox may ship before it shows.
 * Long lists render only the rows on screen (the virtual body loads when first needed).
 */
export interface ListColumn<T> {
  key: string;
  title: ReactNode;
  width?: number;
  align?: "left" | "right";
  render: (item: T) => ReactNode;
}

export interface ListTableProps<T extends { id: string }> {
  columns: ListColumn<T>[];
  items: readonly T[];
  rowClassName: (item: T) => string;
  onOpen: (item: T) => void;
  onHover: (item: T) => void;
  empty: ReactNode;
  rowTestId: (item: T) => string;
  testId: string;
  /** Past this many rows only the rows on screen are rendered, in a box of `height` pixels. */
  virtualFrom: number;
  height: number;
  scrollRef: RefObject<HTMLDivElement | null>;
}

/** Every row is one line high, so a row's offset is known without measuring it. */
export const LIST_ROW_HEIGHT = 47;

const VirtualRows = lazy(() => import("./VirtualRows"));

export function ListTable<T extends { id: string }>(props: ListTableProps<T>) {
  const { columns, items, empty, testId, virtualFrom, height, scrollRef } = props;
  const virtual = items.length > virtualFrom;
  const row = (item: T) => (
    <tr
      key={item.id}
      data-row-key={item.id}
      data-testid={props.rowTestId(item)}
      className={`list-table-row ${props.rowClassName(item)}`}
      onClick={() => props.onOpen(item)}
      onMouseEnter={() => props.onHover(item)}
    >
      {columns.map((c) => (
        <td key={c.key} style={{ textAlign: c.align }}>
          {c.render(item)}
        </td>
      ))}
    </tr>
  );
  let body: ReactNode;
  if (items.length === 0) {
    body = (
      <tr>
        <td colSpan={columns.length} className="list-table-empty">
          {empty}
        </td>
      </tr>
    );
  } else if (virtual) {
    body = (
      <Suspense fallback={items.slice(0, Math.ceil(height / LIST_ROW_HEIGHT)).map(row)}>
        <VirtualRows count={items.length} columns={columns.length} scrollRef={scrollRef} rowHeight={LIST_ROW_HEIGHT}>
          {(index) => row(items[index])}
        </VirtualRows>
      </Suspense>
    );
  } else {
    body = items.map(row);
  }
  return (
    <div
      ref={scrollRef}
      className="list-table"
      style={virtual ? { maxHeight: height, overflowY: "auto" } : undefined}
      data-testid={testId}
    >
      <table>
        <colgroup>
          {columns.map((c) => (
            <col key={c.key} style={c.width ? { width: c.width } : undefined} />
          ))}
        </colgroup>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" style={{ textAlign: c.align }}>
                {c.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{body}</tbody>
      </table>
    </div>
  );
}
