import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  App,
  Button,
  Checkbox,
  Drawer,
  Flex,
  Form,
  Input,
  InputNumber,
  Popconfirm,
  Segmented,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
} from "antd";
import { useState, type HTMLAttributes } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { problemText, QueryState } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { formatDateTime } from "../../lib/format";
import { useDealer } from "../../session";
import { showFieldErrors } from "../catalog/formErrors";
import { useCursorList } from "../catalog/lists";
import { notificationMessages, type NotificationMessages } from "./notificationMessages";
import {
  CHANNEL_EVENTS,
  CHANNEL_KINDS,
  channelRequest,
  channelValues,
  FORM_FIELDS,
  isRobot,
  type Channel,
  type ChannelKind,
  type ChannelValues,
  type NotificationEvent,
} from "./notificationForm";

type Delivery = Schemas["NotificationResponse"];
type DeliveryQuery = { state?: string; limit?: number; cursor?: string };

/** The dealer's shared channels (owners and admins), or the signed-in person's own. */
export type Scope = "dealer" | "me";

/** The endpoints of a scope: the same calls, on the shared or the personal paths. */
function endpoints(scope: Scope) {
  const path = (id: string) => ({ params: { path: { id } } });
  return scope === "me"
    ? {
        list: () => unwrap(api.GET("/v1/me/notification-channels")),
        create: (body: Schemas["ChannelRequest"]) => unwrap(api.POST("/v1/me/notification-channels", { body })),
        replace: (id: string, body: Schemas["ChannelRequest"]) =>
          unwrap(api.PUT("/v1/me/notification-channels/{id}", { ...path(id), body })),
        remove: (id: string) => unwrap(api.DELETE("/v1/me/notification-channels/{id}", path(id))),
        test: (id: string) => unwrap(api.POST("/v1/me/notification-channels/{id}/test", path(id))),
        log: (query: DeliveryQuery) => unwrap(api.GET("/v1/me/notification-deliveries", { params: { query } })),
      }
    : {
        list: () => unwrap(api.GET("/v1/notifications/channels")),
        create: (body: Schemas["ChannelRequest"]) => unwrap(api.POST("/v1/notifications/channels", { body })),
        replace: (id: string, body: Schemas["ChannelRequest"]) =>
          unwrap(api.PUT("/v1/notifications/channels/{id}", { ...path(id), body })),
        remove: (id: string) => unwrap(api.DELETE("/v1/notifications/channels/{id}", path(id))),
        test: (id: string) => unwrap(api.POST("/v1/notifications/channels/{id}/test", path(id))),
        log: (query: DeliveryQuery) => unwrap(api.GET("/v1/notifications/deliveries", { params: { query } })),
      };
}

function kindLabel(m: NotificationMessages, kind: ChannelKind): string {
  return { wecom: m.kindWecom, dingtalk: m.kindDingtalk, feishu: m.kindFeishu, email: m.kindEmail, console: m.kindConsole }[kind];
}

function eventLabel(m: NotificationMessages, event: NotificationEvent): string {
  return {
    inquiry_waiting: m.eventInquiryWaiting,
    call_list: m.eventCallList,
    demand_spike: m.eventDemandSpike,
    quote_accepted: m.eventQuoteAccepted,
    test: m.eventTest,
  }[event];
}

const STATE_COLORS: Record<string, string> = { pending: "processing", delivered: "success", failed: "error" };

/** Add or change a channel: the kind's own fields only; secrets are write-only and kept when left empty. */
function ChannelDrawer({ scope, editing, open, onClose }: { scope: Scope; editing: Channel | null; open: boolean; onClose: () => void }) {
  const m = useMessages(notificationMessages);
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<ChannelValues>();
  const kind = Form.useWatch("kind", form) ?? editing?.kind ?? "wecom";
  const save = useMutation({
    mutationFn: (values: ChannelValues) => {
      const body = channelRequest(values);
      const calls = endpoints(scope);
      return editing ? calls.replace(editing.id, body) : calls.create(body);
    },
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ["notification-channels", scope] });
      message.success(m.saved);
      onClose();
    },
    onError: (error) => {
      // The API names nested fields (`/smtp/host`); the form's are flat (`smtp_host`).
      const shown = showFieldErrors(form, error, FORM_FIELDS, (path) =>
        path[0] === "smtp" && path[1] !== undefined ? [`smtp_${String(path[1])}`] : path[0] === "quiet_hours" ? ["quiet_start"] : path,
      );
      if (!shown) message.error(problemText(error));
    },
  });
  const hour = (name: keyof ChannelValues, label: string) => (
    <Form.Item name={name} noStyle>
      <InputNumber min={0} max={23} precision={0} suffix={m.unitHour} placeholder={label} style={{ width: 110 }} />
    </Form.Item>
  );
  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={560}
      title={editing ? m.edit : m.add}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{m.cancel}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="channel-save">
            {m.save}
          </Button>
        </Space>
      }
    >
      <Form<ChannelValues> form={form} layout="vertical" preserve={false} initialValues={channelValues(editing ?? undefined)} onFinish={(v) => save.mutate(v)}>
        <Form.Item name="kind" label={m.kind} rules={[{ required: true }]}>
          <Select disabled={!!editing} options={CHANNEL_KINDS.map((k) => ({ value: k, label: kindLabel(m, k) }))} data-testid="channel-kind" />
        </Form.Item>
        <Form.Item name="name" label={m.name} rules={[{ required: true, whitespace: true, max: 100 }]}>
          <Input autoFocus data-testid="channel-name" />
        </Form.Item>
        <Form.Item name="events" label={m.events} rules={[{ required: true, type: "array", min: 1 }]}>
          <Checkbox.Group options={CHANNEL_EVENTS.map((e) => ({ value: e, label: eventLabel(m, e) }))} />
        </Form.Item>
        {kind === "console" ? null : isRobot(kind) ? (
          <>
            <Form.Item
              name="url"
              label={m.url}
              extra={m.urlHelp}
              rules={[{ required: !editing, type: "url" }, { max: 2000 }]}
            >
              <Input placeholder={editing?.url ? fill(m.urlKept, { url: editing.url }) : "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"} data-testid="channel-url" />
            </Form.Item>
            {kind !== "wecom" ? (
              <Form.Item name="secret" label={m.secret} extra={m.secretHelp} rules={[{ max: 500 }]}>
                <Input.Password autoComplete="new-password" placeholder={editing?.has_secret ? m.secretKept : "SEC…"} />
              </Form.Item>
            ) : null}
            {kind !== "wecom" && editing?.has_secret ? (
              <Form.Item name="remove_secret" valuePropName="checked">
                <Checkbox data-testid="channel-remove-secret">{m.removeSecret}</Checkbox>
              </Form.Item>
            ) : null}
          </>
        ) : (
          <>
            <Space.Compact block>
              <Form.Item name="smtp_host" label={m.smtpHost} rules={[{ required: true, whitespace: true }]} style={{ flex: 1 }}>
                <Input placeholder="smtp.exmail.qq.com" />
              </Form.Item>
              <Form.Item name="smtp_port" label={m.smtpPort} rules={[{ required: true }]}>
                <InputNumber min={1} max={65535} precision={0} style={{ width: 110 }} />
              </Form.Item>
              <Form.Item name="smtp_security" label={m.smtpSecurity}>
                <Select style={{ width: 120 }} options={["tls", "starttls", "none"].map((s) => ({ value: s, label: s.toUpperCase() }))} />
              </Form.Item>
            </Space.Compact>
            <Space.Compact block>
              <Form.Item name="smtp_username" label={m.smtpUsername} style={{ flex: 1 }}>
                <Input autoComplete="off" />
              </Form.Item>
              <Form.Item name="smtp_password" label={m.smtpPassword} style={{ flex: 1 }}>
                <Input.Password autoComplete="new-password" placeholder={editing?.smtp?.has_password ? m.secretKept : ""} />
              </Form.Item>
            </Space.Compact>
            {editing?.smtp?.has_password ? (
              <Form.Item name="remove_smtp_password" valuePropName="checked">
                <Checkbox>{m.removePassword}</Checkbox>
              </Form.Item>
            ) : null}
            <Form.Item name="smtp_from" label={m.smtpFrom} rules={[{ required: true, whitespace: true }]}>
              <Input placeholder="partsdesk <noreply@dealer.cn>" />
            </Form.Item>
            <Form.Item name="smtp_to" label={m.smtpTo} extra={m.smtpToHelp} rules={[{ required: true, type: "array", min: 1, max: 20 }]}>
              <Select mode="tags" open={false} tokenSeparators={[",", ";", " "]} />
            </Form.Item>
          </>
        )}
        <Form.Item label={m.quietHours} extra={m.quietHelp}>
          <Space>
            {hour("quiet_start", m.quietFrom)}
            {hour("quiet_end", m.quietTo)}
          </Space>
        </Form.Item>
        <Flex gap={16} wrap>
          <Form.Item name="hourly_cap" label={m.hourlyCap} extra={m.hourlyCapHelp} rules={[{ required: true }]}>
            <InputNumber min={1} max={1000} precision={0} suffix={m.unitMessages} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="digest_hour" label={m.digestHour} extra={m.digestHourHelp} rules={[{ required: true }]}>
            <InputNumber min={0} max={23} precision={0} suffix={m.unitHour} style={{ width: 140 }} />
          </Form.Item>
        </Flex>
        <Flex gap={16} wrap>
          <Form.Item name="accepted_value_min" label={m.acceptedMin} extra={m.acceptedMinHelp} rules={[{ required: true, pattern: /^\d+(\.\d{1,2})?$/ }]}>
            <Input style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="spike_shops" label={m.spikeShops} extra={m.spikeShopsHelp} rules={[{ required: true }]}>
            <InputNumber min={2} max={100} precision={0} suffix={m.unitShops} style={{ width: 140 }} />
          </Form.Item>
        </Flex>
        <Flex gap={16} wrap>
          <Form.Item name="language" label={m.language}>
            <Select
              style={{ width: 140 }}
              options={[
                { value: "zh-CN", label: "中文" },
                { value: "en", label: "English" },
              ]}
            />
          </Form.Item>
          <Form.Item name="enabled" label={m.enabled} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Flex>
      </Form>
    </Drawer>
  );
}

function DeliveryLog({ scope, channels }: { scope: Scope; channels: Channel[] }) {
  const m = useMessages(notificationMessages);
  const { timeZone } = useDealer();
  const [state, setState] = useState<"all" | "pending" | "delivered" | "failed">("all");
  const names = new Map(channels.map((c) => [c.id, c.name]));
  const list = useCursorList(
    ["notification-deliveries", scope, state],
    (cursor) => endpoints(scope).log({ state: state === "all" ? undefined : state, limit: 50, cursor }),
    true,
  );
  const stateLabels: Record<string, string> = { pending: m.statePending, delivered: m.stateDelivered, failed: m.stateFailed };
  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" wrap gap={8}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {m.deliveries}
        </Typography.Title>
        <Space>
          <Segmented
            value={state}
            onChange={setState}
            options={[
              { value: "all", label: m.all },
              { value: "pending", label: m.statePending },
              { value: "delivered", label: m.stateDelivered },
              { value: "failed", label: m.stateFailed },
            ]}
          />
          <Button onClick={() => list.refetch()} loading={list.isFetching && !list.isFetchingNextPage}>
            {m.refresh}
          </Button>
        </Space>
      </Flex>
      <QueryState isPending={list.isPending} error={list.error} onRetry={() => list.refetch()}>
        {() => (
          <>
            <Table<Delivery>
              rowKey="id"
              size="small"
              dataSource={list.items}
              pagination={false}
              locale={{ emptyText: m.noDeliveries }}
              data-testid="notification-deliveries"
              expandable={{
                expandedRowRender: (d) => (
                  <Typography.Paragraph style={{ whiteSpace: "pre-wrap", margin: 0 }}>{d.body}</Typography.Paragraph>
                ),
              }}
              columns={[
                { title: m.createdAt, dataIndex: "created_at", width: 140, render: (at: string) => formatDateTime(at, timeZone) },
                { title: m.channel, dataIndex: "channel_id", width: 120, render: (id: string) => names.get(id) ?? "—" },
                { title: m.event, dataIndex: "event", width: 130, render: (e: NotificationEvent) => eventLabel(m, e) },
                { title: m.title, dataIndex: "title", ellipsis: true },
                {
                  title: m.state,
                  dataIndex: "state",
                  width: 90,
                  render: (s: string) => <Tag color={STATE_COLORS[s]}>{stateLabels[s] ?? s}</Tag>,
                },
                { title: m.attempts, dataIndex: "attempts", width: 96, align: "right" },
                {
                  title: m.lastError,
                  dataIndex: "last_error",
                  ellipsis: true,
                  render: (e?: string | null) => (e ? <Typography.Text type="danger">{e}</Typography.Text> : "—"),
                },
                {
                  title: m.nextAttempt,
                  key: "next",
                  width: 140,
                  render: (_, d) =>
                    d.state === "delivered"
                      ? formatDateTime(d.delivered_at, timeZone)
                      : d.next_attempt_at
                        ? formatDateTime(d.next_attempt_at, timeZone)
                        : "—",
                },
              ]}
            />
            {list.hasNextPage && (
              <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage} style={{ alignSelf: "center" }}>
                {m.loadMore}
              </Button>
            )}
          </>
        )}
      </QueryState>
    </Flex>
  );
}

/** Where staff are notified: channels with their events, a test button, and the delivery log. */
export function Notifications({ scope = "dealer" }: { scope?: Scope }) {
  const m = useMessages(notificationMessages);
  const { message } = App.useApp();
  const client = useQueryClient();
  const [drawer, setDrawer] = useState<{ open: boolean; editing: Channel | null }>({ open: false, editing: null });
  const channels = useQuery({
    queryKey: ["notification-channels", scope],
    queryFn: () => endpoints(scope).list(),
  });
  const test = useMutation({
    mutationFn: (id: string) => endpoints(scope).test(id),
    onSuccess: () => {
      message.success(m.testQueued);
      client.invalidateQueries({ queryKey: ["notification-deliveries", scope] });
    },
    onError: (error) => message.error(problemText(error)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => endpoints(scope).remove(id),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ["notification-channels", scope] });
      client.invalidateQueries({ queryKey: ["notification-deliveries", scope] });
      message.success(m.removed);
    },
    onError: (error) => message.error(problemText(error)),
  });
  return (
    <QueryState isPending={channels.isPending} error={channels.error} onRetry={() => channels.refetch()}>
      {() => (
        <Flex vertical gap={16}>
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Typography.Text type="secondary" style={{ maxWidth: 760 }}>
              {scope === "me" ? m.helpPersonal : m.help}
            </Typography.Text>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setDrawer({ open: true, editing: null })} data-testid="channel-create">
              {m.add}
            </Button>
          </Flex>
          <Table<Channel>
            rowKey="id"
            size="small"
            dataSource={channels.data?.items}
            pagination={false}
            locale={{ emptyText: m.none }}
            onRow={(c) => ({ "data-testid": `channel-row-${c.id}` }) as HTMLAttributes<HTMLElement>}
            columns={[
              { title: m.name, dataIndex: "name" },
              { title: m.kind, dataIndex: "kind", width: 150, render: (k: ChannelKind) => kindLabel(m, k) },
              {
                title: m.events,
                dataIndex: "events",
                render: (events: NotificationEvent[]) => (
                  <Space size={[4, 4]} wrap>
                    {events.map((e) => (
                      <Tag key={e}>{eventLabel(m, e)}</Tag>
                    ))}
                  </Space>
                ),
              },
              {
                title: m.state,
                dataIndex: "enabled",
                width: 90,
                render: (on: boolean) => <Tag color={on ? "success" : "default"}>{on ? m.enabled : m.disabled}</Tag>,
              },
              {
                title: "",
                key: "actions",
                width: 230,
                render: (_, c) => (
                  <Space>
                    <Button size="small" loading={test.isPending && test.variables === c.id} onClick={() => test.mutate(c.id)} data-testid={`channel-test-${c.id}`}>
                      {m.test}
                    </Button>
                    <Button size="small" onClick={() => setDrawer({ open: true, editing: c })} data-testid={`channel-edit-${c.id}`}>
                      {m.editButton}
                    </Button>
                    <Popconfirm title={m.removeConfirm} okText={m.remove} okButtonProps={{ danger: true }} cancelText={m.cancel} onConfirm={() => remove.mutateAsync(c.id)}>
                      <Button size="small" danger>
                        {m.remove}
                      </Button>
                    </Popconfirm>
                  </Space>
                ),
              },
            ]}
          />
          <DeliveryLog scope={scope} channels={channels.data?.items ?? []} />
          <ChannelDrawer scope={scope} open={drawer.open} editing={drawer.editing} onClose={() => setDrawer({ open: false, editing: null })} />
        </Flex>
      )}
    </QueryState>
  );
}
