import { ArrowLeftOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Descriptions, Flex, Form, Input, Modal, Radio, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { api, ApiError, unwrap, type Schemas } from "../../api/client";
import { NotFound, problemText, QueryState } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { formatDateTime, formatMoney } from "../../lib/format";
import { useDealer, usePermissions } from "../../session";
import { showFieldErrors } from "../catalog/formErrors";
import { useCustomerDirectory } from "../inbox/customers";
import { shortId } from "../orders/api";
import type { Return } from "./api";
import { returnMessages } from "./messages";
import { ReturnStatusTag } from "./ReturnStatusTag";

type Line = Schemas["ReturnLineResponse"];
type Dialog = "accept" | "reject" | "resolve" | null;

export default function ReturnPage() {
  const { id = "" } = useParams();
  const m = useMessages(returnMessages);
  const { timeZone, currency } = useDealer();
  const { canSell } = usePermissions();
  const customers = useCustomerDirectory();
  const [dialog, setDialog] = useState<Dialog>(null);
  const query = useQuery({
    queryKey: ["return", id],
    queryFn: () => unwrap(api.GET("/v1/returns/{id}", { params: { path: { id } } })),
  });

  if (query.error instanceof ApiError && query.error.status === 400) return <NotFound />;

  return (
    <Flex vertical gap={12}>
      <Link to="/returns">
        <Button type="text" icon={<ArrowLeftOutlined />}>
          {m.back}
        </Button>
      </Link>
      <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
        {() => {
          const r = query.data as Return;
          const customerName = customers.names.get(r.customer_id) ?? (customers.loading ? "" : m.unknownCustomer);
          const lines: Line[] = r.lines;
          return (
            <Flex vertical gap={12}>
              <Flex justify="space-between" align="center" wrap gap={8}>
                <Space align="center">
                  <Typography.Title level={4} style={{ margin: 0 }}>
                    {m.title} <Typography.Text code>{shortId(r.id)}</Typography.Text> · {customerName}
                  </Typography.Title>
                  <ReturnStatusTag status={r.status} testId="return-status" />
                </Space>
                {canSell ? (
                  <Space wrap>
                    {r.status === "requested" ? (
                      <>
                        <Button type="primary" onClick={() => setDialog("accept")} data-testid="return-accept">
                          {m.accept}
                        </Button>
                        <Button danger onClick={() => setDialog("reject")} data-testid="return-reject">
                          {m.reject}
                        </Button>
                      </>
                    ) : null}
                    {r.status === "accepted" ? (
                      <Button type="primary" onClick={() => setDialog("resolve")} data-testid="return-resolve">
                        {m.resolve}
                      </Button>
                    ) : null}
                  </Space>
                ) : null}
              </Flex>
              {r.reason === "wrong_part" || r.reason === "wrong_fitment" ? <Alert type="info" showIcon title={m.memoryHint} /> : null}
              <Card size="small">
                <Descriptions
                  size="small"
                  column={{ xs: 1, md: 2, xl: 3 }}
                  items={[
                    { key: "customer", label: m.customer, children: <Link to={`/customers/${r.customer_id}`}>{customerName || r.customer_id}</Link> },
                    { key: "order", label: m.order, children: <Link to={`/orders/${r.order_id}`}>{shortId(r.order_id)}</Link> },
                    { key: "reason", label: m.reason, children: <Tag>{m[r.reason]}</Tag> },
                    { key: "requested", label: m.requestedAt, children: formatDateTime(r.requested_at, timeZone) },
                    { key: "value", label: m.value, children: formatMoney(r.value, currency) },
                    { key: "note", label: m.note, children: r.note ?? "—" },
                    ...(r.photo_urls.length > 0
                      ? [
                          {
                            key: "photos",
                            label: m.photos,
                            children: (
                              <Space wrap>
                                {r.photo_urls.map((url, i) => (
                                  <a key={url} href={url} target="_blank" rel="noreferrer noopener">
                                    {i + 1}
                                  </a>
                                ))}
                              </Space>
                            ),
                          },
                        ]
                      : []),
                    ...(r.handover ? [{ key: "handover", label: m.handover, children: m[r.handover] }] : []),
                    ...(r.accept_note ? [{ key: "accept_note", label: m.acceptNote, children: r.accept_note }] : []),
                    ...(r.reject_reason ? [{ key: "reject_reason", label: m.rejectReason, children: r.reject_reason }] : []),
                    ...(r.resolution
                      ? [
                          { key: "resolution", label: m.resolution, children: m[r.resolution] },
                          ...(r.amount ? [{ key: "amount", label: m.amount, children: formatMoney(r.amount, currency) }] : []),
                          ...(r.replacement_order_id
                            ? [
                                {
                                  key: "replacement",
                                  label: m.replacementOrder,
                                  children: <Link to={`/orders/${r.replacement_order_id}`}>{shortId(r.replacement_order_id)}</Link>,
                                },
                              ]
                            : []),
                          { key: "restocked", label: m.restocked, children: r.restocked ? m.restockedYes : m.restockedNo },
                        ]
                      : []),
                  ]}
                />
              </Card>
              <Table<Line>
                rowKey="order_line_id"
                size="small"
                pagination={false}
                dataSource={lines}
                columns={[
                  { key: "part", title: m.part, render: (_, l) => l.name },
                  { key: "sku", title: m.sku, width: 160, render: (_, l) => <Typography.Text code>{l.sku}</Typography.Text> },
                  { key: "quantity", title: m.quantity, width: 80, align: "right", dataIndex: "quantity" },
                  { key: "price", title: m.unitPrice, width: 120, align: "right", render: (_, l) => formatMoney(l.unit_price, currency) },
                ]}
              />
              <ReturnDialogs r={r} dialog={dialog} onClose={() => setDialog(null)} />
            </Flex>
          );
        }}
      </QueryState>
    </Flex>
  );
}

function ReturnDialogs({ r, dialog, onClose }: { r: Return; dialog: Dialog; onClose: () => void }) {
  const m = useMessages(returnMessages);
  const { currency } = useDealer();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm();
  const resolution = Form.useWatch("resolution", form);
  const save = useMutation({
    mutationFn: async (values: Record<string, string | undefined>) => {
      const path = { params: { path: { id: r.id } } };
      if (dialog === "accept") {
        return unwrap(
          api.POST("/v1/returns/{id}/accept", {
            ...path,
            body: { handover: values.handover as "pickup" | "drop_off", note: values.note?.trim() || null },
          }),
        );
      }
      if (dialog === "reject") {
        return unwrap(api.POST("/v1/returns/{id}/reject", { ...path, body: { reason: (values.reason ?? "").trim() } }));
      }
      const kind = values.resolution as "refund" | "replacement" | "credit_note";
      return unwrap(
        api.POST("/v1/returns/{id}/resolve", {
          ...path,
          body: { resolution: kind, amount: kind === "replacement" ? null : (values.amount ?? "").trim() },
        }),
      );
    },
    onSuccess: (saved) => {
      client.setQueryData(["return", r.id], saved);
      void client.invalidateQueries({ queryKey: ["returns"] });
      void client.invalidateQueries({ queryKey: ["orders"] });
      message.success(m.done);
      onClose();
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, ["handover", "note", "reason", "resolution", "amount"])) message.error(problemText(error));
    },
  });
  const titles = { accept: m.acceptTitle, reject: m.rejectTitle, resolve: m.resolveTitle };
  const ok = { accept: m.accept, reject: m.reject, resolve: m.resolve };
  return (
    <Modal
      open={dialog !== null}
      title={dialog ? titles[dialog] : ""}
      okText={dialog ? ok[dialog] : ""}
      okButtonProps={{ danger: dialog === "reject" }}
      cancelText={m.close}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ handover: "pickup", resolution: "refund", amount: r.value }}
        onFinish={(values) => save.mutate(values)}
      >
        {dialog === "accept" ? (
          <>
            <Form.Item name="handover" label={m.handover}>
              <Radio.Group
                options={[
                  { value: "pickup", label: m.pickup },
                  { value: "drop_off", label: m.drop_off },
                ]}
              />
            </Form.Item>
            <Form.Item name="note" label={m.acceptNote} rules={[{ max: 500 }]}>
              <Input.TextArea rows={2} placeholder="明天上午司机上门取件" data-testid="return-accept-note" />
            </Form.Item>
          </>
        ) : null}
        {dialog === "reject" ? (
          <Form.Item
            name="reason"
            label={m.rejectReason}
            rules={[{ required: true, whitespace: true, message: m.rejectReasonRequired }, { max: 500 }]}
          >
            <Input.TextArea autoFocus rows={3} data-testid="return-reject-reason" />
          </Form.Item>
        ) : null}
        {dialog === "resolve" ? (
          <>
            <Form.Item name="resolution" label={m.resolution}>
              <Radio.Group
                options={[
                  { value: "refund", label: m.refund },
                  { value: "replacement", label: m.replacement },
                  { value: "credit_note", label: m.credit_note },
                ]}
              />
            </Form.Item>
            {resolution === "replacement" ? (
              <Typography.Text type="secondary">{m.replacementHint}</Typography.Text>
            ) : (
              <Form.Item
                name="amount"
                label={m.amount}
                extra={fill(m.amountHint, { value: formatMoney(r.value, currency) })}
                rules={[{ required: true, whitespace: true, message: m.amountRequired }]}
              >
                <Input style={{ width: 200 }} data-testid="return-amount" />
              </Form.Item>
            )}
          </>
        ) : null}
      </Form>
    </Modal>
  );
}
