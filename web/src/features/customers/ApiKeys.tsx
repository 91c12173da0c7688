import { KeyOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Flex, Form, Input, Modal, Popconfirm, Table, Typography } from "antd";
import { useState, type ComponentProps, type HTMLAttributes } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { problemText, QueryState } from "../../components/QueryState";
import { useMessages } from "../../i18n";
import { formatDateTime } from "../../lib/format";
import { useDealer } from "../../session";
import { showFieldErrors } from "../catalog/formErrors";
import { customerMessages } from "./messages";

type ApiKey = Schemas["ApiKeyResponse"];
type CreatedKey = Schemas["CreatedApiKey"];

/** The key just issued: its secret is shown here once and never again. */
function SecretModal({ created, onClose }: { created: CreatedKey | null; onClose: () => void }) {
  const m = useMessages(customerMessages);
  return (
    <Modal
      open={created !== null}
      title={m.keyIssuedTitle}
      onCancel={onClose}
      mask={{ closable: false }}
      keyboard={false}
      footer={
        <Button type="primary" onClick={onClose} data-testid="api-key-secret-done">
          {m.keySaved}
        </Button>
      }
    >
      {created && (
        <Flex vertical gap={12}>
          <Alert type="warning" showIcon title={m.keyShownOnce} />
          <Typography.Paragraph
            copyable={{ text: created.secret, tooltips: [m.copy, m.copied] }}
            code
            style={{ wordBreak: "break-all", marginBottom: 0 }}
            data-testid="api-key-secret"
          >
            {created.secret}
          </Typography.Paragraph>
          <Typography.Text type="secondary">{m.keyUsage}</Typography.Text>
          <Typography.Text code style={{ wordBreak: "break-all" }}>
            Authorization: Bearer {created.prefix}…
          </Typography.Text>
        </Flex>
      )}
    </Modal>
  );
}

/** A customer's shop API keys: owners and admins list, issue and revoke them. */
export function ApiKeys({ customerId }: { customerId: string }) {
  const m = useMessages(customerMessages);
  const { message } = App.useApp();
  const { timeZone } = useDealer();
  const client = useQueryClient();
  const [form] = Form.useForm<{ name: string }>();
  const [issuing, setIssuing] = useState(false);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const keys = useQuery({
    queryKey: ["customer", customerId, "api-keys"],
    queryFn: () => unwrap(api.GET("/v1/customers/{id}/api-keys", { params: { path: { id: customerId } } })),
  });

  const issue = useMutation({
    mutationFn: (name: string) =>
      unwrap(
        api.POST("/v1/customers/{id}/api-keys", {
          params: { path: { id: customerId } },
          body: { name: name.trim() || null },
        }),
      ),
    onSuccess: (key) => {
      setIssuing(false);
      setCreated(key);
      client.invalidateQueries({ queryKey: ["customer", customerId] });
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, ["name"])) message.error(problemText(error));
    },
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) =>
      unwrap(api.DELETE("/v1/customers/{id}/api-keys/{key_id}", { params: { path: { id: customerId, key_id: keyId } } })),
    onSuccess: () => {
      message.success(m.keyRevoked);
      client.invalidateQueries({ queryKey: ["customer", customerId] });
    },
    onError: (error) => message.error(problemText(error)),
  });

  return (
    <QueryState isPending={keys.isPending} error={keys.error} onRetry={() => keys.refetch()}>
      {() => (
        <Flex vertical gap={12}>
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Typography.Text type="secondary">{m.keysHelp}</Typography.Text>
            <Button
              type="primary"
              icon={<KeyOutlined />}
              onClick={() => setIssuing(true)}
              data-testid="api-key-issue"
            >
              {m.issueKey}
            </Button>
          </Flex>
          <Table<ApiKey>
            rowKey="id"
            size="small"
            dataSource={keys.data?.items}
            pagination={false}
            locale={{ emptyText: m.noKeys }}
            onRow={(key) => ({ "data-testid": `api-key-row-${key.id}` }) as HTMLAttributes<HTMLElement>}
            columns={[
              { title: m.keyName, dataIndex: "name", render: (v?: string | null) => v ?? "—" },
              { title: m.keyPrefix, dataIndex: "prefix", render: (p: string) => <Typography.Text code>{p}…</Typography.Text> },
              { title: m.createdAt, dataIndex: "created_at", render: (at: string) => formatDateTime(at, timeZone) },
              {
                title: m.lastUsed,
                dataIndex: "last_used_at",
                render: (at?: string | null) => (at ? formatDateTime(at, timeZone) : <Typography.Text type="secondary">{m.neverUsed}</Typography.Text>),
              },
              {
                title: m.callback,
                dataIndex: "callback_url",
                render: (url: string | null | undefined, key) =>
                  url ? (
                    <Typography.Text ellipsis={{ tooltip: url }} style={{ maxWidth: 260 }} data-testid={`api-key-callback-${key.id}`}>
                      {url}
                    </Typography.Text>
                  ) : (
                    <Typography.Text type="secondary">{m.noCallback}</Typography.Text>
                  ),
              },
              {
                title: "",
                key: "revoke",
                width: 90,
                render: (_, key) => (
                  <Popconfirm
                    title={m.revokeConfirm}
                    description={m.revokeHelp}
                    okText={m.revoke}
                    okButtonProps={{ danger: true }}
                    cancelText={m.cancel}
                    onConfirm={() => revoke.mutateAsync(key.id)}
                  >
                    <Button danger size="small" data-testid={`api-key-revoke-${key.id}`}>
                      {m.revoke}
                    </Button>
                  </Popconfirm>
                ),
              },
            ]}
          />
          <Modal
            open={issuing}
            title={m.issueKey}
            okText={m.issue}
            cancelText={m.cancel}
            confirmLoading={issue.isPending}
            onOk={() => form.submit()}
            onCancel={() => setIssuing(false)}
            okButtonProps={{ "data-testid": "api-key-issue-confirm" } as ComponentProps<typeof Button>}
            destroyOnHidden
          >
            <Form form={form} layout="vertical" preserve={false} onFinish={(values) => issue.mutate(values.name ?? "")}>
              <Form.Item name="name" label={m.keyName} extra={m.keyNameHelp} rules={[{ max: 200 }]}>
                <Input autoFocus placeholder={m.keyNamePlaceholder} data-testid="api-key-name" />
              </Form.Item>
            </Form>
          </Modal>
          <SecretModal created={created} onClose={() => setCreated(null)} />
        </Flex>
      )}
    </QueryState>
  );
}
