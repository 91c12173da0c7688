import type { UseInfiniteQueryResult, InfiniteData } from "@tanstack/react-query";
import { Button, theme } from "antd";
import { useCallback, useRef, type ReactNode } from "react";
import { useRowKeys } from "../lib/useRowKeys";
import { LIST_ROW_HEIGHT, ListTable, type ListColumn } from "./ListTable";
import { QueryState } from "./QueryState";
import "./ListTable.css";

/** Past this many rows a list renders only what is on screen. */
const VIRTUAL_FROM = 200;
const VIRTUAL_HEIGHT = 640;

/**
 * A list screen (inbox, quotes, orders): a heading, filters, a keyboard-driven table of the
 * pages loaded so far and "load more".
 */
export function ListScreen<T extends { id: string }>({
  title,
  hint,
  filters,
  query,
  items,
  columns,
  rowClassName,
  onOpen,
  empty,
  loaded,
  loadMore,
  testIdPrefix,
  rowTestIdPrefix,
}: {
  title: ReactNode;
  hint: ReactNode;
  filters: ReactNode;
  query: UseInfiniteQueryResult<InfiniteData<unknown>>;
  items: readonly T[];
  columns: ListColumn<T>[];
  /** Classes of the row's own beyond the selection, such as "unread". */
  rowClassName?: (item: T) => string;
  onOpen: (item: T) => void;
  empty: ReactNode;
  loaded: ReactNode;
  loadMore: ReactNode;
  /** `inbox` gives `inbox-table` and `inbox-load-more`. */
  testIdPrefix: string;
  /** `quote-row` gives `quote-row-<id>` for each row. */
  rowTestIdPrefix: string;
}) {
  const { token } = theme.useToken();
  const scrollRef = useRef<HTMLDivElement>(null);
  const reveal = useCallback((id: string, index: number) => {
    const row = scrollRef.current?.querySelector(`[data-row-key="${id}"]`);
    if (row) row.scrollIntoView({ block: "nearest" });
    else if (scrollRef.current) scrollRef.current.scrollTop = index * LIST_ROW_HEIGHT - VIRTUAL_HEIGHT / 2;
  }, []);
  const { selectedId, setSelectedId } = useRowKeys(items, onOpen, reveal);

  return (
    <div className="list-screen">
      <div className="list-screen-heading">
        <h4 className="list-screen-title">{title}</h4>
        <span style={{ color: token.colorTextSecondary }}>{hint}</span>
      </div>
      {filters}
      <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
        {() => (
          <>
            <ListTable<T>
              columns={columns}
              items={items}
              rowClassName={(item) =>
                [rowClassName?.(item) ?? "", item.id === selectedId ? "list-table-row-selected" : ""].join(" ")
              }
              onOpen={onOpen}
              onHover={(item) => setSelectedId(item.id)}
              empty={empty}
              rowTestId={(item) => `${rowTestIdPrefix}-${item.id}`}
              testId={`${testIdPrefix}-table`}
              virtualFrom={VIRTUAL_FROM}
              height={VIRTUAL_HEIGHT}
              scrollRef={scrollRef}
            />
            <div className="list-screen-footer">
              <span style={{ color: token.colorTextSecondary }}>{loaded}</span>
              {query.hasNextPage ? (
                <Button
                  onClick={() => query.fetchNextPage()}
                  loading={query.isFetchingNextPage}
                  data-testid={`${testIdPrefix}-load-more`}
                >
                  {loadMore}
                </Button>
              ) : null}
            </div>
          </>
        )}
      </QueryState>
    </div>
  );
}
