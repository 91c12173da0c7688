import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Checkbox, Drawer, Flex, Form, Input, Modal, Popconfirm, Segmented, Space, Table, Tag, Typography } from "antd";
import { useState, type HTMLAttributes } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { problemText, QueryState } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { formatDateTime } from "../../lib/format";
import { useDealer } from "../../session";
import { showFieldErrors } from "../catalog/formErrors";
import { useCursorList } from "../catalog/lists";
import { settingsMessages } from "./messages";

type Webhook = Schemas["WebhookResponse"];
type Delivery = Schemas["DeliveryResponse"];
interface NewWebhook {
  url: string;
  events: string[];
  description: string;
}

/** The events a webhook can subscribe to (`CreateWebhookRequest.events`). */
const WEBHOOK_EVENTS = ["inquiry.received", "quote.accepted", "quote.rejected", "reminder.due"] as const;

function useEventLabel() {
  const m = useMessages(settingsMessages);
  const labels: Record<string, string> = {
    "inquiry.received": m.eventInquiryReceived,
    "quote.accepted": m.eventQuoteAccepted,
    "quote.rejected": m.eventQuoteRejected,
    "reminder.due": m.eventReminderDue,
  };
  return (event: string) => labels[event] ?? event;
}

const STATE_COLORS: Record<string, string> = { pending: "processing", delivered: "success", failed: "error" };

function Deliveries({ webhook, onClose }: { webhook: Webhook | null; onClose: () => void }) {
  const m = useMessages(settingsMessages);
  const { timeZone } = useDealer();
  const eventLabel = useEventLabel();
  const [state, setState] = useState<"all" | "pending" | "delivered" | "failed">("all");
  const id = webhook?.id ?? "";
  const list = useCursorList(
    ["webhooks", id, "deliveries", state],
    (cursor) =>
      unwrap(
        api.GET("/v1/webhooks/{id}/deliveries", {
          params: { path: { id }, query: { state: state === "all" ? undefined : state, limit: 50, cursor } },
        }),
      ),
    webhook !== null,
  );
  const stateLabels: Record<string, string> = { pending: m.statePending, delivered: m.stateDelivered, failed: m.stateFailed };

  return (
    <Drawer open={webhook !== null} onClose={onClose} size={960} title={webhook ? fill(m.deliveriesOf, { url: webhook.url }) : ""}>
      <Flex vertical gap={12}>
        <Flex justify="space-between" wrap gap={8}>
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
                data-testid="webhook-deliveries"
                expandable={{
                  expandedRowRender: (d) => (
                    <Typography.Paragraph code copyable style={{ whiteSpace: "pre-wrap", margin: 0 }}>
                      {JSON.stringify(d.payload, null, 2)}
                    </Typography.Paragraph>
                  ),
                }}
                columns={[
                  { title: m.createdAt, dataIndex: "created_at", width: 140, render: (at: string) => formatDateTime(at, timeZone) },
                  { title: m.event, dataIndex: "event_type", width: 130, render: eventLabel },
                  {
                    title: m.deliveryState,
                    dataIndex: "state",
                    width: 90,
                    render: (s: string) => <Tag color={STATE_COLORS[s]}>{stateLabels[s] ?? s}</Tag>,
                  },
                  { title: m.attempts, dataIndex: "attempts", width: 70, align: "right" },
                  { title: m.lastStatus, dataIndex: "last_status", width: 80, render: (s?: number | null) => s ?? "—" },
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
    </Drawer>
  );
}

/** Webhook endpoints: add one (its signing secret shown once), remove one, read its deliveries. */
export function Webhooks() {
  const m = useMessages(settingsMessages);
  const { message } = App.useApp();
  const { timeZone } = useDealer();
  const eventLabel = useEventLabel();
  const client = useQueryClient();
  const [form] = Form.useForm<NewWebhook>();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [viewing, setViewing] = useState<Webhook | null>(null);
  const hooks = useQuery({ queryKey: ["webhooks"], queryFn: () => unwrap(api.GET("/v1/webhooks")) });

  const create = useMutation({
    mutationFn: (values: NewWebhook) =>
      unwrap(
        api.POST("/v1/webhooks", {
          body: { url: values.url.trim(), events: values.events, description: values.description?.trim() || null },
        }),
      ),
    onSuccess: (hook) => {
      client.invalidateQueries({ queryKey: ["webhooks"] });
      setCreating(false);
      setSecret(hook.secret ?? null);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, ["url", "events", "description"])) message.error(problemText(error));
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/webhooks/{id}", { params: { path: { id } } })),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ["webhooks"] });
      message.success(m.webhookRemoved);
    },
    onError: (error) => message.error(problemText(error)),
  });

  return (
    <QueryState isPending={hooks.isPending} error={hooks.error} onRetry={() => hooks.refetch()}>
      {() => (
        <Flex vertical gap={12}>
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Typography.Text type="secondary">{m.webhooksHelp}</Typography.Text>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="webhook-create">
              {m.addWebhook}
            </Button>
          </Flex>
          <Table<Webhook>
            rowKey="id"
            size="small"
            dataSource={hooks.data?.items}
            pagination={false}
            locale={{ emptyText: m.noWebhooks }}
            onRow={(hook) => ({ "data-testid": `webhook-row-${hook.id}` }) as HTMLAttributes<HTMLElement>}
            columns={[
              { title: m.url, dataIndex: "url", ellipsis: true, render: (url: string) => <Typography.Text code>{url}</Typography.Text> },
              {
                title: m.events,
                dataIndex: "events",
                render: (events: string[]) => (
                  <Space size={[4, 4]} wrap>
                    {events.map((e) => (
                      <Tag key={e}>{eventLabel(e)}</Tag>
                    ))}
                  </Space>
                ),
              },
              { title: m.description, dataIndex: "description", render: (d?: string | null) => d ?? "—" },
              { title: m.createdAt, dataIndex: "created_at", width: 140, render: (at: string) => formatDateTime(at, timeZone) },
              {
                title: "",
                key: "actions",
                width: 180,
                render: (_, hook) => (
                  <Space>
                    <Button size="small" onClick={() => setViewing(hook)} data-testid="webhook-deliveries-open">
                      {m.deliveries}
                    </Button>
                    <Popconfirm
                      title={m.removeWebhookConfirm}
                      description={m.removeWebhookHelp}
                      okText={m.remove}
                      okButtonProps={{ danger: true }}
                      cancelText={m.cancel}
                      onConfirm={() => remove.mutateAsync(hook.id)}
                    >
                      <Button size="small" danger data-testid="webhook-remove">
                        {m.remove}
                      </Button>
                    </Popconfirm>
                  </Space>
                ),
              },
            ]}
          />
          <Modal
            open={creating}
            title={m.addWebhook}
            okText={m.add}
            cancelText={m.cancel}
            onOk={() => form.submit()}
            onCancel={() => setCreating(false)}
            confirmLoading={create.isPending}
            destroyOnHidden
          >
            <Form<NewWebhook>
              form={form}
              layout="vertical"
              preserve={false}
              initialValues={{ events: [...WEBHOOK_EVENTS] }}
              onFinish={(values) => create.mutate(values)}
            >
              <Form.Item
                name="url"
                label={m.url}
                extra={m.urlHelp}
                rules={[{ required: true, type: "url", message: m.urlInvalid }, { max: 2000 }]}
              >
                <Input autoFocus placeholder="https://erp.example.cn/hooks/partsdesk" data-testid="webhook-url" />
              </Form.Item>
              <Form.Item name="events" label={m.events} rules={[{ required: true, type: "array", min: 1, message: m.eventsRequired }]}>
                <Checkbox.Group options={WEBHOOK_EVENTS.map((e) => ({ value: e, label: eventLabel(e) }))} />
              </Form.Item>
              <Form.Item name="description" label={m.description} rules={[{ max: 200 }]}>
                <Input />
              </Form.Item>
            </Form>
          </Modal>
          <Modal
            open={secret !== null}
            title={m.webhookCreated}
            onCancel={() => setSecret(null)}
            mask={{ closable: false }}
            keyboard={false}
            footer={
              <Button type="primary" onClick={() => setSecret(null)}>
                {m.secretSaved}
              </Button>
            }
          >
            <Flex vertical gap={12}>
              <Alert type="warning" showIcon title={m.secretShownOnce} />
              <Typography.Paragraph
                code
                copyable={{ text: secret ?? "", tooltips: [m.copy, m.copied] }}
                style={{ wordBreak: "break-all", margin: 0 }}
                data-testid="webhook-secret"
              >
                {secret}
              </Typography.Paragraph>
              <Typography.Text type="secondary">{m.secretUsage}</Typography.Text>
            </Flex>
          </Modal>
          <Deliveries webhook={viewing} onClose={() => setViewing(null)} />
        </Flex>
      )}
    </QueryState>
  );
}
