import { DownloadOutlined } from "@ant-design/icons";
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import { App, Button, Card, Flex, Table, Typography } from "antd";
import type { ColumnsType, SorterResult } from "antd/es/table/interface";
import { useState, type ReactNode } from "react";
import { problemText } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { downloadCsv } from "../../lib/download";
import { insightsMessages } from "./messages";

const PAGE_SIZE = 100;

export interface Page<Row> {
  items: Row[];
  next_cursor?: string | null;
}

export interface Sort<Key extends string> {
  by: Key;
  order: "asc" | "desc";
}

/**
 * One insight as a table: loaded a page at a time from the API, sorted by the server on the
 * columns that name a sort key, with the API's CSV of every entry.
 */
export function InsightTable<Row, Key extends string, Report extends Page<Row>>({
  testId,
  queryKey,
  fetchPage,
  csvUrl,
  csvName,
  columns,
  rowKey,
  sort,
  onSort,
  summary,
  extra,
}: {
  testId: string;
  queryKey: unknown[];
  fetchPage: (cursor: string | undefined, limit: number) => Promise<Report>;
  csvUrl: string;
  csvName: string;
  /** Columns whose `key` is a sort key of the API are sortable. */
  columns: (ColumnsType<Row>[number] & { sortKey?: Key })[];
  rowKey: (row: Row) => string;
  sort: Sort<Key>;
  onSort: (sort: Sort<Key> | null) => void;
  /** A line above the table from the first page (its totals). */
  summary?: (first: Report) => ReactNode;
  extra?: ReactNode;
}) {
  const m = useMessages(insightsMessages);
  const { message } = App.useApp();
  const [downloading, setDownloading] = useState(false);
  const query = useInfiniteQuery({
    queryKey: [...queryKey, sort.by, sort.order],
    queryFn: ({ pageParam }) => fetchPage(pageParam, PAGE_SIZE),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const rows = query.data?.pages.flatMap((page) => page.items) ?? [];
  const first = query.data?.pages[0];

  const shown: ColumnsType<Row> = columns.map(({ sortKey, ...column }) =>
    sortKey
      ? {
          ...column,
          key: sortKey,
          sorter: true,
          sortOrder: sort.by === sortKey ? (sort.order === "asc" ? "ascend" : "descend") : null,
          sortDirections: ["descend", "ascend", "descend"],
        }
      : column,
  );
  const sortKeys = new Set(columns.map((c) => c.sortKey).filter(Boolean));
  const changeSort = (sorter: SorterResult<Row> | SorterResult<Row>[]) => {
    const one = Array.isArray(sorter) ? sorter[0] : sorter;
    const key = String(one?.columnKey ?? "");
    if (!one?.order || !sortKeys.has(key as Key)) {
      onSort(null);
      return;
    }
    onSort({ by: key as Key, order: one.order === "ascend" ? "asc" : "desc" });
  };

  const download = async () => {
    setDownloading(true);
    try {
      await downloadCsv(csvUrl, csvName);
    } catch (error) {
      message.error(fill(m.csvFailed, { reason: problemText(error) }));
    } finally {
      setDownloading(false);
    }
  };

  return (
    <Card
      size="small"
      title={first && summary ? <span data-testid={`${testId}-summary`}>{summary(first)}</span> : null}
      extra={
        <Flex gap={8} align="center" wrap>
          {extra}
          <Button icon={<DownloadOutlined />} loading={downloading} onClick={download} data-testid={`${testId}-csv`}>
            {m.csv}
          </Button>
        </Flex>
      }
    >
      <Table<Row>
        data-testid={`${testId}-table`}
        rowKey={rowKey}
        size="small"
        columns={shown}
        dataSource={rows}
        loading={query.isPending || (query.isFetching && !query.isFetchingNextPage)}
        pagination={false}
        scroll={{ x: "max-content" }}
        showSorterTooltip={false}
        onChange={(_pagination, _filters, sorter) => changeSort(sorter)}
        locale={{ emptyText: query.error ? problemText(query.error) : m.empty }}
      />
      <Flex justify="space-between" align="center" style={{ marginTop: 12 }}>
        <Typography.Text type="secondary" data-testid={`${testId}-count`}>
          {fill(query.hasNextPage ? m.rowsLoaded : m.allLoaded, { n: rows.length })}
        </Typography.Text>
        {query.hasNextPage ? (
          <Button onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage}>
            {m.loadMore}
          </Button>
        ) : null}
      </Flex>
    </Card>
  );
}
