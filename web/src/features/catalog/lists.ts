import { useInfiniteQuery, type QueryKey } from "@tanstack/react-query";
import { useMemo } from "react";

export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

/**
 * A cursor-paged list: the pages loaded so far as one array, and `fetchNextPage` for "load more".
 * The pages themselves stay in `data.pages` (a search's first page carries its facets).
 */
export function useCursorList<P extends Page<unknown>>(
  queryKey: QueryKey,
  fetchPage: (cursor?: string) => Promise<P>,
  enabled = true,
) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    enabled,
  });
  const items = useMemo(
    () => (query.data?.pages.flatMap((page) => page.items) ?? []) as P["items"][number][],
    [query.data],
  );
  return { ...query, items };
}

/** Every page of a cursor-paged list, for lists that are short by nature or must be complete. */
export async function fetchAll<T>(fetchPage: (cursor?: string) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return items;
}

/** Past this many rows a table renders only what is on screen. */
export const VIRTUAL_FROM = 200;
