import { SearchOutlined } from "@ant-design/icons";
import { Alert, Button, Col, Flex, Input, Row, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useState, type HTMLAttributes } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api, unwrap, type Schemas } from "../../api/client";
import { QueryState } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { formatMoney } from "../../lib/format";
import { markedPieces } from "./highlight";
import { useCursorList, VIRTUAL_FROM } from "./lists";
import { catalogMessages } from "./messages";
import { MatchedOnTag, NumberList, type MatchedOn, type PartNumber } from "./partLabels";

type SearchResponse = Schemas["SearchResponse"];

/** One row of the parts table, from the plain list or from a search hit. */
interface PartRow {
  id: string;
  sku: string;
  name: string;
  brand?: string | null;
  category?: string | null;
  price?: string | null;
  currency: string;
  stock?: number | null;
  /** Stock less what accepted orders hold. */
  available?: number | null;
  active?: boolean;
  numbers?: PartNumber[];
  matchedOn?: MatchedOn;
  highlight?: string | null;
}

const FILTER_KEYS = ["q", "brand", "category", "active", "in_stock", "make", "model", "year", "vin"] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type Filters = Partial<Record<FilterKey, string>>;

function readFilters(params: URLSearchParams): Filters {
  const filters: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = value;
  }
  return filters;
}

/** Search (`GET /v1/search`) when there is something to search for; else the plain list. */
function isSearch(f: Filters): boolean {
  return Boolean(f.q || f.make || f.model || f.year || f.vin || f.in_stock);
}

const bool = (value?: string) => (value === "true" ? true : value === "false" ? false : undefined);

function Highlighted({ name, html }: { name: string; html: string }) {
  return (
    <>
      {markedPieces(name, html).map((piece, i) =>
        piece.marked ? (
          <mark key={i} style={{ background: "#fff1b8", padding: 0 }}>
            {piece.text}
          </mark>
        ) : (
          <span key={i}>{piece.text}</span>
        ),
      )}
    </>
  );
}

/** A filter box that applies its text on Enter, on leaving it, or when cleared. */
function FilterInput({
  value,
  onCommit,
  placeholder,
  width,
  maxLength,
  upperCase,
}: {
  value?: string;
  onCommit: (value: string) => void;
  placeholder: string;
  width: number;
  maxLength?: number;
  upperCase?: boolean;
}) {
  const [text, setText] = useState(value ?? "");
  useEffect(() => setText(value ?? ""), [value]);
  const commit = (next: string) => {
    const clean = upperCase ? next.trim().toUpperCase() : next.trim();
    if (clean !== (value ?? "")) onCommit(clean);
  };
  return (
    <Input
      value={text}
      placeholder={placeholder}
      aria-label={placeholder}
      allowClear
      maxLength={maxLength}
      style={{ width }}
      onChange={(e) => {
        setText(e.target.value);
        if (e.type === "click") commit("");
      }}
      onPressEnter={() => commit(text)}
      onBlur={() => commit(text)}
    />
  );
}

function SearchSummary({ first }: { first: SearchResponse }) {
  const m = useMessages(catalogMessages);
  const vehicle = first.recognized_vehicle;
  const vin = first.vehicle;
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size={8}>
      <Space wrap>
        <Tag color={first.mode === "number" ? "purple" : "blue"} data-testid="search-mode">
          {first.mode === "number" ? m.modeNumber : m.modeName}
        </Tag>
        <Typography.Text data-testid="search-total">
          {fill(first.total_is_lower_bound ? m.totalAtLeast : m.total, { n: first.total.toLocaleString() })}
        </Typography.Text>
        {vehicle && (
          <Tag color="cyan">
            {m.recognizedVehicle}: {[vehicle.make, vehicle.model, vehicle.year].filter(Boolean).join(" ")}
          </Tag>
        )}
        {vin && (
          <Tag color={vin.check_digit_valid ? "cyan" : "orange"}>
            VIN {vin.vin}: {[vin.make ?? vin.wmi, vin.model, vin.model_year].filter(Boolean).join(" ")}
            {vin.check_digit_valid ? "" : ` · ${m.vinCheckDigit}`}
          </Tag>
        )}
      </Space>
      {first.fitment_relaxed && <Alert type="info" showIcon title={m.fitmentRelaxed} />}
      {first.warnings.length > 0 && <Alert type="warning" showIcon title={first.warnings.join("; ")} />}
    </Space>
  );
}

function Facets({
  title,
  values,
  selected,
  onSelect,
}: {
  title: string;
  values: Schemas["FacetCount"][];
  selected?: string;
  onSelect: (value: string | undefined) => void;
}) {
  if (values.length === 0) return null;
  return (
    <Flex gap={4} wrap align="center">
      <Typography.Text type="secondary">{title}:</Typography.Text>
      {values.slice(0, 15).map((facet) => (
        <Tag.CheckableTag
          key={facet.value}
          checked={selected === facet.value}
          onChange={(checked) => onSelect(checked ? facet.value : undefined)}
        >
          {facet.value} ({facet.count.toLocaleString()})
        </Tag.CheckableTag>
      ))}
    </Flex>
  );
}

export function PartsTab() {
  const m = useMessages(catalogMessages);
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const searching = isSearch(filters);
  const [q, setQ] = useState(filters.q ?? "");
  useEffect(() => setQ(filters.q ?? ""), [filters.q]);

  const setFilters = (next: Filters) => {
    const merged: Record<string, string> = {};
    for (const key of FILTER_KEYS) {
      const value = (key in next ? next[key] : filters[key])?.trim();
      if (value) merged[key] = value;
    }
    setParams(merged, { replace: false });
  };

  const search = useCursorList(
    ["parts", "search", filters],
    async (cursor) => {
      const page = await unwrap(
        api.GET("/v1/search", {
          params: {
            query: {
              q: filters.q,
              brand: filters.brand,
              category: filters.category,
              make: filters.make,
              model: filters.model,
              year: filters.year ? Number(filters.year) : undefined,
              vin: filters.vin,
              in_stock: bool(filters.in_stock),
              limit: 100,
              cursor,
            },
          },
        }),
      );
      return { ...page, items: page.hits };
    },
    searching,
  );
  const list = useCursorList(
    ["parts", "list", filters],
    (cursor) =>
      unwrap(
        api.GET("/v1/parts", {
          params: {
            query: { brand: filters.brand, category: filters.category, active: bool(filters.active), limit: 200, cursor },
          },
        }),
      ),
    !searching,
  );
  const current = searching ? search : list;
  const firstSearchPage = search.data?.pages[0];

  const rows: PartRow[] = searching
    ? search.items.map((hit) => ({
        ...hit.part,
        stock: hit.part.stock,
        matchedOn: hit.matched_on,
        highlight: hit.highlight,
      }))
    : list.items;

  const columns: ColumnsType<PartRow> = [
    {
      title: m.sku,
      dataIndex: "sku",
      width: 150,
      render: (sku: string, row) => (
        <Link to={`/catalog/parts/${row.id}`} onClick={(e) => e.stopPropagation()}>
          {sku}
        </Link>
      ),
    },
    { title: m.brand, dataIndex: "brand", width: 110, render: (v?: string | null) => v ?? "—" },
    {
      title: m.name,
      dataIndex: "name",
      width: 240,
      render: (name: string, row) => (row.highlight ? <Highlighted name={name} html={row.highlight} /> : name),
    },
    searching
      ? {
          title: m.matchedOn,
          key: "matched_on",
          width: 260,
          render: (_, row) => (row.matchedOn ? <MatchedOnTag matched={row.matchedOn} /> : null),
        }
      : {
          title: m.numbers,
          key: "numbers",
          width: 260,
          render: (_, row) => <NumberList numbers={row.numbers ?? []} />,
        },
    { title: m.category, dataIndex: "category", width: 100, render: (v?: string | null) => v ?? "—" },
    {
      title: m.price,
      dataIndex: "price",
      width: 110,
      align: "right",
      render: (price: string | null | undefined, row) => formatMoney(price, row.currency),
    },
    {
      title: m.stock,
      dataIndex: "stock",
      width: 80,
      align: "right",
      render: (stock?: number | null) => (stock === null || stock === undefined ? "—" : stock.toLocaleString()),
    },
    {
      title: <Tooltip title={m.availableHint}>{m.available}</Tooltip>,
      dataIndex: "available",
      width: 80,
      align: "right",
      render: (available?: number | null) =>
        available === null || available === undefined ? (
          "—"
        ) : (
          <Typography.Text type={available > 0 ? undefined : "danger"}>{available.toLocaleString()}</Typography.Text>
        ),
    },
    ...(searching
      ? []
      : [
          {
            title: m.status,
            dataIndex: "active",
            width: 80,
            render: (active?: boolean) => (active ? <Tag color="green">{m.active}</Tag> : <Tag>{m.inactive}</Tag>),
          },
        ]),
  ];

  const virtual = rows.length > VIRTUAL_FROM;
  const first = firstSearchPage;

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size={12}>
      <Row gutter={[8, 8]}>
        <Col flex="360px">
          <Space.Compact style={{ width: "100%" }}>
            <Input
              value={q}
              onChange={(e) => {
                setQ(e.target.value);
                if (e.type === "click") setFilters({ q: "" });
              }}
              onPressEnter={() => setFilters({ q })}
              placeholder={m.searchPlaceholder}
              aria-label={m.searchPlaceholder}
              allowClear
              autoFocus
              maxLength={200}
              data-testid="parts-search"
            />
            <Button type="primary" icon={<SearchOutlined />} aria-label={m.search} onClick={() => setFilters({ q })} />
          </Space.Compact>
        </Col>
        <Col>
          <FilterInput value={filters.brand} placeholder={m.brand} width={130} onCommit={(brand) => setFilters({ brand })} />
        </Col>
        <Col>
          <FilterInput value={filters.category} placeholder={m.category} width={130} onCommit={(category) => setFilters({ category })} />
        </Col>
        <Col>
          <Select
            style={{ width: 120 }}
            value={filters.in_stock ?? ""}
            onChange={(in_stock) => setFilters({ in_stock })}
            options={[
              { value: "", label: m.anyStock },
              { value: "true", label: m.inStock },
              { value: "false", label: m.outOfStock },
            ]}
          />
        </Col>
        {!searching && (
          <Col>
            <Select
              style={{ width: 120 }}
              value={filters.active ?? ""}
              onChange={(active) => setFilters({ active })}
              options={[
                { value: "", label: m.anyStatus },
                { value: "true", label: m.active },
                { value: "false", label: m.inactive },
              ]}
            />
          </Col>
        )}
      </Row>
      <Row gutter={[8, 8]} align="middle">
        <Col>
          <Typography.Text type="secondary">{m.vehicleFilter}:</Typography.Text>
        </Col>
        <Col>
          <FilterInput value={filters.make} placeholder={m.make} width={120} onCommit={(make) => setFilters({ make })} />
        </Col>
        <Col>
          <FilterInput value={filters.model} placeholder={m.model} width={120} onCommit={(model) => setFilters({ model })} />
        </Col>
        <Col>
          <FilterInput value={filters.year} placeholder={m.year} width={100} maxLength={4} onCommit={(year) => setFilters({ year: /^\d{4}$/.test(year) ? year : "" })} />
        </Col>
        <Col>
          <FilterInput value={filters.vin} placeholder={"VIN"} width={200} maxLength={17} upperCase onCommit={(vin) => setFilters({ vin })} />
        </Col>
        {Object.keys(filters).length > 0 && (
          <Col>
            <Button type="link" onClick={() => setParams({})}>
              {m.clearFilters}
            </Button>
          </Col>
        )}
      </Row>

      <QueryState isPending={current.isPending} error={current.error} onRetry={() => current.refetch()}>
        {() => (
          <Space orientation="vertical" style={{ width: "100%" }} size={8}>
            {searching && first && (
              <>
                <SearchSummary first={first} />
                <Facets
                  title={m.brand}
                  values={first.facets.brand}
                  selected={filters.brand}
                  onSelect={(brand) => setFilters({ brand })}
                />
                <Facets
                  title={m.category}
                  values={first.facets.category}
                  selected={filters.category}
                  onSelect={(category) => setFilters({ category })}
                />
              </>
            )}
            <Table<PartRow>
              rowKey="id"
              size="small"
              columns={columns}
              dataSource={rows}
              pagination={false}
              virtual={virtual}
              scroll={virtual ? { x: 1130, y: 640 } : { x: 1130 }}
              loading={current.isFetching && !current.isFetchingNextPage}
              locale={{ emptyText: searching ? m.noHits : m.noParts }}
              onRow={(row) =>
                ({
                  "data-testid": `part-row-${row.sku}`,
                  onClick: () => navigate(`/catalog/parts/${row.id}`),
                  style: { cursor: "pointer" },
                }) as HTMLAttributes<HTMLElement>
              }
              data-testid="parts-table"
            />
            <Flex justify="space-between" align="center">
              <Typography.Text type="secondary">{fill(m.shown, { n: rows.length.toLocaleString() })}</Typography.Text>
              {current.hasNextPage && (
                <Button onClick={() => current.fetchNextPage()} loading={current.isFetchingNextPage} data-testid="parts-load-more">
                  {m.loadMore}
                </Button>
              )}
            </Flex>
          </Space>
        )}
      </QueryState>
    </Space>
  );
}
