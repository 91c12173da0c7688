import { DownloadOutlined } from "@ant-design/icons";
import { keepPreviousData, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { App, Button, Card, Flex, Table, Typography } from "antd";
import type { ColumnsType, SorterResult } from "antd/es/table/interface";
import { useRef, useState, type HTMLAttributes } from "react";
import { Link } from "react-router";
import type { Schemas } from "../../api/client";
import { problemText } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { formatMoney } from "../../lib/format";
import { Defined, useFigureFormat } from "./definitions";
import { downloadCsv } from "../../lib/download";
import { useSeenOnce } from "./inView";
import { figuresMessages, type FiguresMessages } from "./messages";
import { sparklineInterval, type Period } from "./period";
import { customerQuery, customerTablePage, customerTableUrl, type SortBy, type SortOrder } from "./queries";
import { sparklinePath } from "./sparkline";
import { FIGURE_KIND, figureValue, type FigureKey } from "./series";

type Row = Schemas["CustomerRow"];

const PAGE_SIZE = 100;
/** Past this many rows the table renders only what is on screen. */
const VIRTUAL_FROM = 200;
const DEFAULT_SORT: { by: SortBy; order: SortOrder } = { by: "order_value", order: "desc" };

/**
 * A small line of one figure of one customer across the period. The API's table has totals only,
 * so the series comes from the customer's own figures, fetched when the row comes into view and
 * shared by the row's sparklines.
 */
function Sparkline({ id, figure, period }: { id: string; figure: FigureKey; period: Period }) {
  const ref = useRef<SVGSVGElement>(null);
  const seen = useSeenOnce(ref);
  const { data } = useQuery({ ...customerQuery(id, period, sparklineInterval(period)), enabled: seen, staleTime: 60_000 });
  const values = data?.series.map((b) => figureValue(b.figures, figure)) ?? [];
  const width = 64;
  const height = 18;
  return (
    <svg ref={ref} width={width} height={height} aria-hidden style={{ verticalAlign: "middle", marginLeft: 6 }}>
      <path
        d={sparklinePath(values, width, height, FIGURE_KIND[figure] === "rate" ? 1 : undefined)}
        fill="none"
        stroke="#1f6feb"
        strokeWidth={1.5}
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** A customer with no inquiry and no order in the period has nothing to draw (and nothing to fetch). */
function hadActivity(row: Row): boolean {
  return row.figures.inquiries > 0 || row.figures.orders > 0;
}

interface FigureColumn {
  key: Exclude<SortBy, "name">;
  label: keyof FiguresMessages;
  definitions?: (keyof FiguresMessages)[];
  spark?: boolean;
  width: number;
}

const COLUMNS: FigureColumn[] = [
  { key: "inquiries", label: "inquiries", spark: true, width: 150 },
  { key: "inquiry_lines", label: "inquiryLines", width: 130 },
  { key: "quoted_lines", label: "quotedLines", definitions: ["fieldQuotedLines"], width: 150 },
  { key: "quote_rate", label: "quoteRate", definitions: ["defQuoteRate", "fieldQuoteRate"], spark: true, width: 170 },
  { key: "purchase_rate", label: "purchaseRate", definitions: ["defPurchaseRate", "fieldPurchaseRate"], spark: true, width: 180 },
  {
    key: "response_time_p50_seconds",
    label: "responseP50",
    definitions: ["defResponseTime", "fieldResponseP50", "defPercentiles"],
    spark: true,
    width: 220,
  },
  {
    key: "response_time_p90_seconds",
    label: "responseP90",
    definitions: ["defResponseTime", "fieldResponseP90", "defPercentiles"],
    width: 190,
  },
  {
    key: "auto_match_rate",
    label: "autoMatchRate",
    definitions: ["defAutoMatchRate", "fieldAutoMatchRate", "defConfident"],
    spark: true,
    width: 190,
  },
  { key: "bought_lines", label: "boughtLines", definitions: ["fieldBoughtLines"], width: 150 },
  { key: "orders", label: "orders", width: 100 },
  { key: "order_value", label: "orderValue", definitions: ["fieldOrderValue"], width: 160 },
  { key: "reminders_raised", label: "remindersRaised", width: 120 },
  { key: "reminders_converted", label: "remindersConverted", width: 120 },
  { key: "proactive_quotes_sent", label: "proactiveTitle", definitions: ["fieldProactive"], width: 130 },
  { key: "proactive_value", label: "proactiveValue", definitions: ["fieldProactive"], width: 150 },
  { key: "on_time_rate", label: "onTimeRate", definitions: ["defOnTimeRate", "defOrderPeriod"], spark: true, width: 150 },
  { key: "fill_rate", label: "fillRate", definitions: ["defFillRate", "defOrderPeriod"], width: 130 },
  {
    key: "order_to_delivery_p50_seconds",
    label: "orderToDeliveryP50",
    definitions: ["defOrderTimes", "defPercentiles"],
    width: 190,
  },
  { key: "backorder_rate", label: "backorderRate", definitions: ["defBackorderRate", "defOrderPeriod"], width: 130 },
  { key: "return_rate", label: "returnRate", definitions: ["defReturnRate", "defOrderPeriod"], width: 130 },
  {
    key: "return_resolution_p50_seconds",
    label: "returnResolutionP50",
    definitions: ["defReturnResolution", "defPercentiles"],
    width: 190,
  },
];

const SORT_KEYS = new Set<string>(["name", ...COLUMNS.map((c) => c.key)]);

/**
 * Every customer's figures for the period, sorted by the server on any column (empty figures
 * last), loaded a page at a time, with sparklines, links to each customer's trend and the
 * API's CSV of every row.
 */
export function CustomerTable({
  period,
  currency,
  search,
}: {
  period: Period;
  currency: string;
  /** The period's query string, carried to the customer's trend page. */
  search: string;
}) {
  const m = useMessages(figuresMessages);
  const { message } = App.useApp();
  const format = useFigureFormat();
  const [sort, setSort] = useState(DEFAULT_SORT);
  const [downloading, setDownloading] = useState(false);

  const query = useInfiniteQuery({
    queryKey: ["metrics", "customers", period.from, period.to, sort.by, sort.order],
    queryFn: ({ pageParam }) => customerTablePage(period, sort.by, sort.order, PAGE_SIZE, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    placeholderData: keepPreviousData,
  });
  const rows = query.data?.pages.flatMap((page) => page.items) ?? [];
  const virtual = rows.length > VIRTUAL_FROM;

  const sortOrder = (key: SortBy) => (sort.by === key ? (sort.order === "asc" ? "ascend" : "descend") : null);

  const columns: ColumnsType<Row> = [
    {
      key: "name",
      title: m.customer,
      fixed: "left",
      width: 200,
      sorter: true,
      sortOrder: sortOrder("name"),
      sortDirections: ["ascend", "descend", "ascend"],
      render: (_, row) => (
        <Link
          to={`/figures/customers/${row.customer.id}?${search}`}
          data-testid={`figures-customer-link-${row.customer.id}`}
          aria-label={fill(m.openTrend, { name: row.customer.name })}
        >
          {row.customer.name}
        </Link>
      ),
    },
    ...COLUMNS.map(
      (column): ColumnsType<Row>[number] => ({
        key: column.key,
        title: column.definitions ? <Defined label={m[column.label]} definitions={column.definitions} /> : m[column.label],
        width: column.width,
        align: "right",
        sorter: true,
        sortOrder: sortOrder(column.key),
        sortDirections: ["descend", "ascend", "descend"],
        render: (_, row) => (
          <span style={{ whiteSpace: "nowrap" }}>
            {column.key === "order_value" || column.key === "proactive_value" ? (
              formatMoney(row.figures[column.key], currency)
            ) : (
              <>
                {format(column.key, figureValue(row.figures, column.key))}
                {column.spark && hadActivity(row) ? <Sparkline id={row.customer.id} figure={column.key} period={period} /> : null}
              </>
            )}
          </span>
        ),
      }),
    ),
  ];
  const scrollX = columns.reduce((sum, c) => sum + (typeof c.width === "number" ? c.width : 0), 0);

  const onSort = (sorter: SorterResult<Row> | SorterResult<Row>[]) => {
    const one = Array.isArray(sorter) ? sorter[0] : sorter;
    const key = String(one?.columnKey ?? "");
    if (!one?.order || !SORT_KEYS.has(key)) {
      setSort(DEFAULT_SORT);
      return;
    }
    setSort({ by: key as SortBy, order: one.order === "ascend" ? "asc" : "desc" });
  };

  const download = async () => {
    setDownloading(true);
    try {
      await downloadCsv(customerTableUrl(period, sort.by, sort.order), `customer-metrics-${period.from}-${period.to}.csv`);
    } catch (error) {
      message.error(fill(m.csvFailed, { reason: problemText(error) }));
    } finally {
      setDownloading(false);
    }
  };

  return (
    <Card
      size="small"
      title={m.customersTitle}
      extra={
        <Button icon={<DownloadOutlined />} loading={downloading} onClick={download} data-testid="figures-csv">
          {m.csv}
        </Button>
      }
    >
      <Table<Row>
        data-testid="figures-customers-table"
        rowKey={(row) => row.customer.id}
        size="small"
        columns={columns}
        dataSource={rows}
        loading={query.isPending || (query.isFetching && !query.isFetchingNextPage)}
        pagination={false}
        virtual={virtual}
        scroll={virtual ? { x: scrollX, y: 560 } : { x: scrollX }}
        sticky={!virtual}
        showSorterTooltip={false}
        onChange={(_pagination, _filters, sorter) => onSort(sorter)}
        onRow={(row) => ({ "data-testid": `figures-customer-row-${row.customer.id}` }) as HTMLAttributes<HTMLElement>}
        locale={query.error ? { emptyText: problemText(query.error) } : undefined}
      />
      <Flex justify="space-between" align="center" style={{ marginTop: 12 }}>
        <Typography.Text type="secondary" data-testid="figures-customers-count">
          {fill(query.hasNextPage ? m.rowsLoaded : m.allLoaded, { n: rows.length })}
        </Typography.Text>
        {query.hasNextPage ? (
          <Button onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage} data-testid="figures-load-more">
            {m.loadMore}
          </Button>
        ) : null}
      </Flex>
    </Card>
  );
}
