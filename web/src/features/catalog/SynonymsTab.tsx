import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Flex, Input, Select, Space, Table, Tag, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { api, unwrap } from "../../api/client";
import { problemText, QueryState } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { usePermissions } from "../../session";
import { catalogMessages } from "./messages";
import { synonymProblems } from "./listRules";
import { rowErrors } from "./rowErrors";

interface GroupRow {
  key: number;
  words: string[];
}

const MAX_GROUPS = 1000;
const PAGE_SIZE = 20;

let nextKey = 0;
const toRows = (groups: string[][]): GroupRow[] => groups.map((words) => ({ key: (nextKey += 1), words }));

export function SynonymsTab() {
  const m = useMessages(catalogMessages);
  const { message, modal } = App.useApp();
  const { canAdmin } = usePermissions();
  const client = useQueryClient();
  const query = useQuery({
    queryKey: ["catalog", "synonyms"],
    queryFn: () => unwrap(api.GET("/v1/catalog/synonyms")),
  });
  const [rows, setRows] = useState<GroupRow[]>([]);
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Map<number, string[]>>(new Map());
  const [listErrors, setListErrors] = useState<string[]>([]);
  const [filter, setFilter] = useState("");
  const [page, setPage] = useState(1);

  useEffect(() => {
    if (query.data && !dirty) setRows(toRows(query.data.groups));
  }, [query.data, dirty]);

  const change = (next: GroupRow[]) => {
    setRows(next);
    setDirty(true);
  };

  const save = useMutation({
    mutationFn: (groups: string[][]) => unwrap(api.PUT("/v1/catalog/synonyms", { body: { groups } })),
    onSuccess: (saved) => {
      client.setQueryData(["catalog", "synonyms"], saved);
      setRows(toRows(saved.groups));
      setDirty(false);
      setErrors(new Map());
      setListErrors([]);
      message.success(m.saved);
    },
    onError: (error) => {
      const found = rowErrors(error, "groups");
      const byKey = new Map<number, string[]>();
      // The rows sent were the non-empty ones, in order.
      const sent = rows.filter((r) => r.words.length > 0);
      for (const [index, messages] of found.rows) if (sent[index]) byKey.set(sent[index].key, messages);
      setErrors(byKey);
      setListErrors(found.list);
      if (byKey.size === 0) message.error(problemText(error));
      else showFirst(byKey);
    },
  });

  const showFirst = (byKey: Map<number, string[]>) => {
    setFilter("");
    const at = rows.findIndex((r) => byKey.has(r.key));
    if (at >= 0) setPage(Math.floor(at / PAGE_SIZE) + 1);
  };

  const submit = () => {
    const sent = rows.filter((r) => r.words.length > 0);
    const local = new Map<number, string[]>();
    for (const row of sent) {
      const problems = synonymProblems(row.words, m);
      if (problems.length) local.set(row.key, problems);
    }
    if (sent.length > MAX_GROUPS) return setListErrors([fill(m.synonymsTooMany, { n: MAX_GROUPS })]);
    setErrors(local);
    setListErrors([]);
    if (local.size > 0) return showFirst(local);
    const groups = sent.map((r) => r.words);
    if (groups.length === 0) {
      modal.confirm({
        title: m.synonymsEmptyTitle,
        content: m.synonymsEmptyBody,
        okButtonProps: { danger: true },
        onOk: () => save.mutateAsync(groups),
      });
    } else {
      save.mutate(groups);
    }
  };

  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return needle ? rows.filter((r) => r.words.some((w) => w.toLowerCase().includes(needle))) : rows;
  }, [rows, filter]);

  return (
    <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
      {() => (
        <Space orientation="vertical" style={{ width: "100%" }} size={12}>
          <Alert type="info" showIcon title={m.synonymsHelp} />
          <Flex justify="space-between" wrap gap={8}>
            <Space wrap>
              <Input.Search
                allowClear
                placeholder={m.synonymsFilter}
                style={{ width: 240 }}
                value={filter}
                onChange={(e) => {
                  setFilter(e.target.value);
                  setPage(1);
                }}
              />
              <Tag color={query.data?.custom ? "blue" : "default"} data-testid="synonyms-source">
                {query.data?.custom ? m.synonymsCustom : m.synonymsDefault}
              </Tag>
              <Typography.Text type="secondary">{fill(m.groupCount, { n: rows.length })}</Typography.Text>
            </Space>
            {canAdmin && (
              <Space wrap>
                <Button
                  icon={<PlusOutlined />}
                  onClick={() => {
                    change([{ key: (nextKey += 1), words: [] }, ...rows]);
                    setFilter("");
                    setPage(1);
                  }}
                  data-testid="synonyms-add"
                >
                  {m.addGroup}
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
                <Button type="primary" onClick={submit} loading={save.isPending} disabled={!dirty} data-testid="synonyms-save">
                  {m.save}
                </Button>
              </Space>
            )}
          </Flex>
          {listErrors.length > 0 && <Alert type="error" showIcon title={listErrors.join("; ")} />}
          <Table<GroupRow>
            rowKey="key"
            size="small"
            dataSource={shown}
            pagination={{ pageSize: PAGE_SIZE, current: page, onChange: setPage, showSizeChanger: false, hideOnSinglePage: true }}
            locale={{ emptyText: m.noSynonyms }}
            onRow={(row) => (errors.has(row.key) ? { style: { background: "#fff1f0" } } : {})}
            columns={[
              {
                title: m.synonymWords,
                key: "words",
                render: (_, row) => (
                  <Space orientation="vertical" style={{ width: "100%" }} size={2}>
                    {canAdmin ? (
                      <Select
                        mode="tags"
                        value={row.words}
                        open={false}
                        suffixIcon={null}
                        tokenSeparators={[",", "，", "、", " ", ";"]}
                        style={{ width: "100%" }}
                        placeholder={m.synonymPlaceholder}
                        status={errors.has(row.key) ? "error" : undefined}
                        aria-label={m.synonymWords}
                        onChange={(words: string[]) =>
                          change(rows.map((r) => (r.key === row.key ? { ...r, words: words.map((w) => w.trim()).filter(Boolean) } : r)))
                        }
                      />
                    ) : (
                      <Space size={[4, 4]} wrap>
                        {row.words.map((w) => (
                          <Tag key={w}>{w}</Tag>
                        ))}
                      </Space>
                    )}
                    {errors.get(row.key)?.map((text) => (
                      <Typography.Text key={text} type="danger">
                        {text}
                      </Typography.Text>
                    ))}
                  </Space>
                ),
              },
              ...(canAdmin
                ? [
                    {
                      title: "",
                      key: "remove",
                      width: 60,
                      render: (_: unknown, row: GroupRow) => (
                        <Button
                          type="text"
                          danger
                          icon={<DeleteOutlined />}
                          aria-label={m.removeRow}
                          onClick={() => change(rows.filter((r) => r.key !== row.key))}
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
