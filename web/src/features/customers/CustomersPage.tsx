import { PlusOutlined, SearchOutlined } from "@ant-design/icons";
import { Button, Flex, Input, Space, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useState, type HTMLAttributes } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { QueryState } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { formatDateTime } from "../../lib/format";
import { useDealer, usePermissions } from "../../session";
import { useCursorList, VIRTUAL_FROM } from "../catalog/lists";
import { CustomerFormDrawer } from "./CustomerFormDrawer";
import { priceLevelText, type Customer } from "./customerForm";
import { customerMessages } from "./messages";

export default function CustomersPage() {
  const m = useMessages(customerMessages);
  const { canSell } = usePermissions();
  const { timeZone } = useDealer();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const name = params.get("name")?.trim() ?? "";
  const [text, setText] = useState(name);
  useEffect(() => setText(name), [name]);
  const [creating, setCreating] = useState(false);

  const list = useCursorList(["customers", { name }], (cursor) =>
    unwrap(api.GET("/v1/customers", { params: { query: { name: name || undefined, limit: 200, cursor } } })),
  );
  const search = (next: string) => setParams(next.trim() ? { name: next.trim() } : {});

  const columns: ColumnsType<Customer> = [
    {
      title: m.name,
      dataIndex: "name",
      width: 240,
      render: (value: string, c) => (
        <Link to={`/customers/${c.id}`} onClick={(e) => e.stopPropagation()}>
          {value}
        </Link>
      ),
    },
    { title: m.contact, dataIndex: "contact_name", width: 140, render: (v?: string | null) => v ?? "—" },
    { title: m.phone, dataIndex: "phone", width: 150, render: (v?: string | null) => v ?? "—" },
    { title: m.email, dataIndex: "email", width: 220, ellipsis: true, render: (v?: string | null) => v ?? "—" },
    {
      title: m.priceLevel,
      dataIndex: "price_level",
      width: 110,
      align: "right",
      sorter: (a, b) => a.price_level - b.price_level,
      render: (level: number) => priceLevelText(level),
    },
    {
      title: m.createdAt,
      dataIndex: "created_at",
      width: 150,
      render: (at: string) => formatDateTime(at, timeZone),
    },
  ];
  const virtual = list.items.length > VIRTUAL_FROM;

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size={12}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {m.title}
        </Typography.Title>
        {canSell && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="customer-create">
            {m.newCustomer}
          </Button>
        )}
      </Flex>
      <Space.Compact style={{ width: 360 }}>
        <Input
          value={text}
          allowClear
          placeholder={m.searchPlaceholder}
          aria-label={m.searchPlaceholder}
          onChange={(e) => {
            setText(e.target.value);
            if (e.type === "click") search("");
          }}
          onPressEnter={() => search(text)}
          data-testid="customers-search"
        />
        <Button type="primary" icon={<SearchOutlined />} aria-label={m.search} onClick={() => search(text)} />
      </Space.Compact>
      <QueryState isPending={list.isPending} error={list.error} onRetry={() => list.refetch()}>
        {() => (
          <>
            <Table<Customer>
              rowKey="id"
              size="small"
              columns={columns}
              dataSource={list.items}
              pagination={false}
              virtual={virtual}
              scroll={virtual ? { x: 1010, y: 640 } : { x: 1010 }}
              loading={list.isFetching && !list.isFetchingNextPage}
              locale={{ emptyText: name ? m.noMatches : m.noCustomers }}
              onRow={(c) =>
                ({
                  "data-testid": `customer-row-${c.id}`,
                  onClick: () => navigate(`/customers/${c.id}`),
                  style: { cursor: "pointer" },
                }) as HTMLAttributes<HTMLElement>
              }
            />
            <Flex justify="space-between" align="center" style={{ marginTop: 8 }}>
              <Typography.Text type="secondary">{fill(m.shown, { n: list.items.length.toLocaleString() })}</Typography.Text>
              {list.hasNextPage && (
                <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="customers-load-more">
                  {m.loadMore}
                </Button>
              )}
            </Flex>
          </>
        )}
      </QueryState>
      {canSell && (
        <CustomerFormDrawer
          open={creating}
          onClose={() => setCreating(false)}
          onSaved={(customer) => {
            setCreating(false);
            navigate(`/customers/${customer.id}`);
          }}
        />
      )}
    </Space>
  );
}
