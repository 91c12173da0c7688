import { ArrowLeftOutlined, DeleteOutlined, EditOutlined, StopOutlined, CheckCircleOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Descriptions, Flex, Popconfirm, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { api, unwrap } from "../../api/client";
import { problemText, QueryState } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useDealer, usePermissions } from "../../session";
import { catalogMessages } from "./messages";
import { PartEditDrawer } from "./PartEditDrawer";
import type { Fitment, Part } from "./partForm";
import { NUMBER_KINDS, numberText, useKindLabels } from "./partLabels";

function Numbers({ part }: { part: Part }) {
  const m = useMessages(catalogMessages);
  const labels = useKindLabels();
  const sides = { L: m.sideLeft, R: m.sideRight };
  const kinds = [...NUMBER_KINDS, ...new Set(part.numbers.map((n) => n.kind))].filter(
    (kind, i, all) => all.indexOf(kind) === i && part.numbers.some((n) => n.kind === kind),
  );
  if (kinds.length === 0) return <Typography.Text type="secondary">{m.noNumbers}</Typography.Text>;
  return (
    <Descriptions
      size="small"
      bordered
      column={1}
      items={kinds.map((kind) => ({
        key: kind,
        label: labels.kind(kind),
        children: (
          <Space size={[4, 4]} wrap>
            {part.numbers
              .filter((n) => n.kind === kind)
              .map((n, i) => (
                <Typography.Text key={`${n.normalized}-${i}`} code copyable={{ text: n.number }} data-testid={`part-number-${kind}`}>
                  {numberText(n, sides)}
                </Typography.Text>
              ))}
          </Space>
        ),
      }))}
    />
  );
}

function FitmentTable({ fitment }: { fitment: Fitment[] }) {
  const m = useMessages(catalogMessages);
  const years = (f: Fitment) =>
    f.year_from || f.year_to ? `${f.year_from ?? ""}–${f.year_to ?? ""}` : "—";
  return (
    <Table<Fitment & { key: number }>
      size="small"
      pagination={fitment.length > 20 ? { pageSize: 20 } : false}
      dataSource={fitment.map((f, key) => ({ ...f, key }))}
      locale={{ emptyText: m.noFitment }}
      columns={[
        { title: m.make, dataIndex: "make" },
        { title: m.model, dataIndex: "model", render: (v?: string | null) => v ?? "—" },
        { title: m.years, key: "years", render: (_, f) => years(f) },
        { title: m.engine, dataIndex: "engine", render: (v?: string | null) => v ?? "—" },
        { title: m.note, dataIndex: "note", render: (v?: string | null) => v ?? "—" },
      ]}
    />
  );
}

function PartView({ part }: { part: Part }) {
  const m = useMessages(catalogMessages);
  const { message } = App.useApp();
  const { canAdmin } = usePermissions();
  const { timeZone } = useDealer();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);

  const setActive = useMutation({
    mutationFn: (active: boolean) => unwrap(api.PATCH("/v1/parts/{id}", { params: { path: { id: part.id } }, body: { active } })),
    onSuccess: (updated) => {
      client.setQueryData(["parts", "detail", part.id], updated);
      client.invalidateQueries({ queryKey: ["parts"] });
      message.success(updated.active ? m.activated : m.deactivatedDone);
    },
    onError: (error) => message.error(problemText(error)),
  });
  const remove = useMutation({
    mutationFn: () => unwrap(api.DELETE("/v1/parts/{id}", { params: { path: { id: part.id } } })),
    onSuccess: () => {
      client.removeQueries({ queryKey: ["parts", "detail", part.id] });
      client.invalidateQueries({ queryKey: ["parts"] });
      message.success(m.deleted);
      navigate("/catalog");
    },
    onError: (error) => message.error(problemText(error)),
  });

  const attributes = Object.entries(part.attributes);

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Space align="center" wrap>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="part-name">
            {part.name}
          </Typography.Title>
          <Typography.Text code data-testid="part-sku">
            {part.sku}
          </Typography.Text>
          {part.active ? (
            <Tag color="green" data-testid="part-status" data-active="true">
              {m.active}
            </Tag>
          ) : (
            <Tag data-testid="part-status" data-active="false">
              {m.inactive}
            </Tag>
          )}
        </Space>
        {canAdmin && (
          <Space wrap>
            <Button type="primary" icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="part-edit">
              {m.edit}
            </Button>
            {part.active ? (
              <Popconfirm
                title={m.deactivateConfirm}
                description={m.deactivateHelp}
                onConfirm={() => setActive.mutateAsync(false)}
                okText={m.deactivate}
                cancelText={m.cancel}
              >
                <Button icon={<StopOutlined />} loading={setActive.isPending} data-testid="part-deactivate">
                  {m.deactivate}
                </Button>
              </Popconfirm>
            ) : (
              <Button
                icon={<CheckCircleOutlined />}
                loading={setActive.isPending}
                onClick={() => setActive.mutate(true)}
                data-testid="part-activate"
              >
                {m.activate}
              </Button>
            )}
            <Popconfirm
              title={m.deleteConfirm}
              description={m.deleteHelp}
              onConfirm={() => remove.mutateAsync()}
              okText={m.delete}
              okButtonProps={{ danger: true }}
              cancelText={m.cancel}
            >
              <Button danger icon={<DeleteOutlined />} loading={remove.isPending} data-testid="part-delete">
                {m.delete}
              </Button>
            </Popconfirm>
          </Space>
        )}
      </Flex>
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, sm: 2, lg: 3 }}
        items={[
          { key: "sku", label: m.sku, children: part.sku },
          { key: "brand", label: m.brand, children: part.brand ?? "—" },
          { key: "category", label: m.category, children: part.category ?? "—" },
          {
            key: "price",
            label: m.price,
            children: <span data-testid="part-price">{formatMoney(part.price, part.currency)}</span>,
          },
          {
            key: "stock",
            label: m.stock,
            children: (
              <span>
                <Typography.Text type={part.available > 0 ? undefined : "danger"} data-testid="part-stock">
                  {part.stock.toLocaleString()}
                  {part.unit ? ` ${part.unit}` : ""}
                </Typography.Text>
                {part.reserved > 0 ? (
                  <Typography.Text type="secondary" data-testid="part-reserved">
                    {" "}
                    {fill(m.reservedAvailable, { reserved: part.reserved.toLocaleString(), available: part.available.toLocaleString() })}
                  </Typography.Text>
                ) : null}
              </span>
            ),
          },
          { key: "unit", label: m.unit, children: part.unit ?? "—" },
          { key: "description", label: m.description, span: "filled", children: part.description ?? "—" },
          { key: "created", label: m.createdAt, children: formatDateTime(part.created_at, timeZone) },
          { key: "updated", label: m.updatedAt, children: formatDateTime(part.updated_at, timeZone) },
        ]}
      />
      <Card size="small" title={m.numbers}>
        <Numbers part={part} />
      </Card>
      <Card size="small" title={m.fitment}>
        <FitmentTable fitment={part.fitment} />
      </Card>
      {attributes.length > 0 && (
        <Card size="small" title={m.attributes}>
          <Descriptions
            size="small"
            bordered
            column={{ xs: 1, sm: 2 }}
            items={attributes.map(([key, value]) => ({
              key,
              label: key,
              children: typeof value === "string" ? value : JSON.stringify(value),
            }))}
          />
        </Card>
      )}
      {canAdmin && <PartEditDrawer part={part} open={editing} onClose={() => setEditing(false)} />}
    </Space>
  );
}

export default function PartPage() {
  const m = useMessages(catalogMessages);
  const { id = "" } = useParams();
  const query = useQuery({
    queryKey: ["parts", "detail", id],
    queryFn: () => unwrap(api.GET("/v1/parts/{id}", { params: { path: { id } } })),
  });
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size={12}>
      <Link to="/catalog">
        <ArrowLeftOutlined /> {m.backToCatalog}
      </Link>
      <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
        {() => query.data && <PartView part={query.data} />}
      </QueryState>
    </Space>
  );
}
