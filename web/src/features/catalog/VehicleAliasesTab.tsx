import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Flex, Input, Space, Table, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { problemText, QueryState } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { usePermissions } from "../../session";
import { catalogMessages } from "./messages";
import { aliasProblems, type AliasRow } from "./listRules";
import { rowErrors } from "./rowErrors";

type VehicleAlias = Schemas["VehicleAlias"];

const MAX_ALIASES = 2000;
const PAGE_SIZE = 20;

let nextKey = 0;
const toRows = (aliases: VehicleAlias[]): AliasRow[] =>
  aliases.map((a) => ({ key: (nextKey += 1), alias: a.alias, make: a.make, model: a.model ?? "" }));

export function VehicleAliasesTab() {
  const m = useMessages(catalogMessages);
  const { message, modal } = App.useApp();
  const { canAdmin } = usePermissions();
  const client = useQueryClient();
  const query = useQuery({
    queryKey: ["catalog", "vehicle-aliases"],
    queryFn: () => unwrap(api.GET("/v1/catalog/vehicle-aliases")),
  });
  const [rows, setRows] = useState<AliasRow[]>([]);
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Map<number, string[]>>(new Map());
  const [listErrors, setListErrors] = useState<string[]>([]);
  const [filter, setFilter] = useState("");
  const [page, setPage] = useState(1);

  useEffect(() => {
    if (query.data && !dirty) setRows(toRows(query.data.aliases));
  }, [query.data, dirty]);

  const edit = (key: number, field: "alias" | "make" | "model", value: string) => {
    setRows(rows.map((r) => (r.key === key ? { ...r, [field]: value } : r)));
    setDirty(true);
  };

  const showFirst = (byKey: Map<number, string[]>) => {
    setFilter("");
    const at = rows.findIndex((r) => byKey.has(r.key));
    if (at >= 0) setPage(Math.floor(at / PAGE_SIZE) + 1);
  };

  const save = useMutation({
    mutationFn: (aliases: VehicleAlias[]) => unwrap(api.PUT("/v1/catalog/vehicle-aliases", { body: { aliases } })),
    onSuccess: (saved) => {
      client.setQueryData(["catalog", "vehicle-aliases"], saved);
      setRows(toRows(saved.aliases));
      setDirty(false);
      setErrors(new Map());
      setListErrors([]);
      message.success(m.saved);
    },
    onError: (error) => {
      const found = rowErrors(error, "aliases");
      const byKey = new Map<number, string[]>();
      for (const [index, messages] of found.rows) if (rows[index]) byKey.set(rows[index].key, messages);
      setErrors(byKey);
      setListErrors(found.list);
      if (byKey.size === 0) message.error(problemText(error));
      else showFirst(byKey);
    },
  });

  const submit = () => {
    if (rows.length > MAX_ALIASES) return setListErrors([fill(m.aliasesTooMany, { n: MAX_ALIASES })]);
    const local = aliasProblems(rows, m);
    setErrors(local);
    setListErrors([]);
    if (local.size > 0) return showFirst(local);
    const aliases = rows.map((r) => ({ alias: r.alias.trim(), make: r.make.trim(), model: r.model.trim() || null }));
    if (aliases.length === 0) {
      modal.confirm({
        title: m.aliasesEmptyTitle,
        content: m.aliasesEmptyBody,
        okButtonProps: { danger: true },
        onOk: () => save.mutateAsync(aliases),
      });
    } else {
      save.mutate(aliases);
    }
  };

  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle
      ? rows.filter((r) => [r.alias, r.make, r.model].some((v) => v.toLowerCase().includes(needle)))
      : rows;
  }, [rows, filter]);

  const cell = (row: AliasRow, field: "alias" | "make" | "model", placeholder: string, maxLength: number) =>
    canAdmin ? (
      <Input
        value={row[field]}
        placeholder={placeholder}
        aria-label={placeholder}
        maxLength={maxLength}
        status={errors.has(row.key) ? "error" : undefined}
        onChange={(e) => edit(row.key, field, e.target.value)}
      />
    ) : (
      row[field] || <Typography.Text type="secondary">—</Typography.Text>
    );

  return (
    <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
      {() => (
        <Space orientation="vertical" style={{ width: "100%" }} size={12}>
          <Alert type="info" showIcon title={m.aliasesHelp} />
          <Flex justify="space-between" wrap gap={8}>
            <Space wrap>
              <Input.Search
                allowClear
                placeholder={m.aliasesFilter}
                style={{ width: 240 }}
                value={filter}
                onChange={(e) => {
                  setFilter(e.target.value);
                  setPage(1);
                }}
              />
              <Typography.Text type="secondary">{fill(m.aliasCount, { n: rows.length })}</Typography.Text>
            </Space>
            {canAdmin && (
              <Space wrap>
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => {
                    setRows([{ key: (nextKey += 1), alias: "", make: "", model: "" }, ...rows]);
                    setDirty(true);
                    setFilter("");
                    setPage(1);
                  }}
                  data-testid="aliases-add"
                >
                  {m.addAlias}
                </Button>
                {dirty && (
                  <Button
                    onClick={() => {
                      setDirty(false);
                      setErrors(new Map());
                      setListErrors([]);
                    }}
                  >
                    {m.discard}
                  </Button>
                )}
                <Button type="primary" onClick={submit} loading={save.isPending} disabled={!dirty} data-testid="aliases-save">
                  {m.save}
                </Button>
              </Space>
            )}
          </Flex>
          {listErrors.length > 0 && <Alert type="error" showIcon title={listErrors.join("; ")} />}
          <Table<AliasRow>
            rowKey="key"
            size="small"
            dataSource={shown}
            pagination={{ pageSize: PAGE_SIZE, current: page, onChange: setPage, showSizeChanger: false, hideOnSinglePage: true }}
            locale={{ emptyText: m.noAliases }}
            onRow={(row) => (errors.has(row.key) ? { style: { background: "#fff1f0" } } : {})}
            expandable={{
              expandedRowKeys: shown.filter((r) => errors.has(r.key)).map((r) => r.key),
              showExpandColumn: false,
              expandedRowRender: (row) => <Typography.Text type="danger">{errors.get(row.key)?.join("; ")}</Typography.Text>,
            }}
            columns={[
              { title: m.alias, key: "alias", width: "30%", render: (_, row) => cell(row, "alias", m.aliasPlaceholder, 30) },
              { title: m.make, key: "make", width: "30%", render: (_, row) => cell(row, "make", m.aliasMakePlaceholder, 50) },
              { title: m.model, key: "model", render: (_, row) => cell(row, "model", m.aliasModelPlaceholder, 80) },
              ...(canAdmin
                ? [
                    {
                      title: "",
                      key: "remove",
                      width: 60,
                      render: (_: unknown, row: AliasRow) => (
                        <Button
                          type="text"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={m.removeRow}
                          onClick={() => {
                            setRows(rows.filter((r) => r.key !== row.key));
                            setDirty(true);
                          }}
                        />
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </Space>
      )}
    </QueryState>
  );
}
