import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, AutoComplete, Button, DatePicker, Form, Input, InputNumber, Modal, Radio, Select, Space, Table } from "antd";
import { useState } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { problemText } from "../../components/QueryState";
import { useMessages } from "../../i18n";
import { dayjs, formatDateTime } from "../../lib/format";
import { useDealer } from "../../session";
import { showFieldErrors } from "../catalog/formErrors";
import { orderMessages } from "./messages";

type Order = Schemas["OrderResponse"];
type Line = Schemas["OrderLineResponse"];
type Dialog = "dispatch" | "deliver" | "cancel" | null;

/** What staff can do next with an order, as its state allows: pick, dispatch, record delivery, cancel. */
export function OrderActions({ order }: { order: Order }) {
  const m = useMessages(orderMessages);
  const { message } = App.useApp();
  const client = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);

  const done = (saved: Order) => {
    client.setQueryData(["order", order.id], saved);
    void client.invalidateQueries({ queryKey: ["orders"] });
    setDialog(null);
  };
  const picking = useMutation({
    mutationFn: () => unwrap(api.POST("/v1/orders/{id}/picking", { params: { path: { id: order.id } } })),
    onSuccess: (saved) => {
      done(saved);
      message.success(m.pickingStarted);
    },
    onError: (error) => message.error(problemText(error)),
  });

  const open = order.status !== "cancelled" && order.status !== "delivered";
  const dispatchable = order.lines.some((l) => l.reserved_quantity + l.backorder_quantity > 0);
  const undelivered = order.shipments.filter((s) => !s.delivered_at);
  const cancellable = order.status === "confirmed" || order.status === "picking";
  // Of a dispatched order, what has not left (reserved or backordered) can be let go.
  const restCancellable = order.status === "dispatched" && dispatchable;

  return (
    <Space wrap>
      {order.status === "confirmed" ? (
        <Button onClick={() => picking.mutate()} loading={picking.isPending} data-testid="order-picking">
          {m.startPicking}
        </Button>
      ) : null}
      {open && dispatchable ? (
        <Button type="primary" onClick={() => setDialog("dispatch")} data-testid="order-dispatch">
          {m.dispatch}
        </Button>
      ) : null}
      {undelivered.length > 0 ? (
        <Button onClick={() => setDialog("deliver")} data-testid="order-deliver">
          {m.deliver}
        </Button>
      ) : null}
      {cancellable ? (
        <Button danger onClick={() => setDialog("cancel")} data-testid="order-cancel">
          {m.cancelOrder}
        </Button>
      ) : null}
      <DispatchDialog order={order} open={dialog === "dispatch"} onClose={() => setDialog(null)} onDone={done} />
      <DeliverDialog order={order} open={dialog === "deliver"} onClose={() => setDialog(null)} onDone={done} />
      {restCancellable ? (
        <Button danger onClick={() => setDialog("cancel")} data-testid="order-cancel-rest">
          {m.cancelRest}
        </Button>
      ) : null}
      <CancelDialog
        order={order}
        rest={restCancellable}
        open={dialog === "cancel"}
        onClose={() => setDialog(null)}
        onDone={done}
      />
    </Space>
  );
}

interface DialogProps {
  order: Order;
  open: boolean;
  onClose: () => void;
  onDone: (saved: Order) => void;
}

interface DispatchForm {
  scope: "all" | "some";
  quantities: Record<string, number | null>;
  by: "carrier" | "driver";
  carrier?: string;
  tracking_number?: string;
  driver_name?: string;
  driver_phone?: string;
  promised_at?: dayjs.Dayjs;
}

// Suggestions only: a dealer may use a local logistics line by any name.
const CARRIERS = ["顺丰速运", "德邦快递", "京东物流", "中通快递", "圆通速递", "韵达快递", "跨越速运"];

function DispatchDialog({ order, open, onClose, onDone }: DialogProps) {
  const m = useMessages(orderMessages);
  const { message } = App.useApp();
  const [form] = Form.useForm<DispatchForm>();
  const scope = Form.useWatch("scope", form);
  const by = Form.useWatch("by", form);
  const lines = order.lines.filter((l) => l.reserved_quantity > 0);
  const save = useMutation({
    mutationFn: (values: DispatchForm) => {
      const chosen = Object.entries(values.quantities ?? {})
        .filter(([, quantity]) => (quantity ?? 0) > 0)
        .map(([order_line_id, quantity]) => ({ order_line_id, quantity: quantity ?? 0 }));
      const text = (v?: string) => (v?.trim() ? v.trim() : null);
      return unwrap(
        api.POST("/v1/orders/{id}/dispatch", {
          params: { path: { id: order.id } },
          body: {
            lines: values.scope === "some" ? chosen : null,
            carrier: values.by === "carrier" ? text(values.carrier) : null,
            tracking_number: values.by === "carrier" ? text(values.tracking_number) : null,
            driver_name: values.by === "driver" ? text(values.driver_name) : null,
            driver_phone: values.by === "driver" ? text(values.driver_phone) : null,
            promised_at: values.promised_at ? values.promised_at.toISOString() : null,
          },
        }),
      );
    },
    onSuccess: (saved) => {
      message.success(m.dispatched);
      onDone(saved);
    },
    onError: (error) => {
      const shown = showFieldErrors(form, error, ["carrier", "tracking_number", "driver_name", "driver_phone", "promised_at"]);
      if (!shown) message.error(problemText(error));
    },
  });
  return (
    <Modal
      open={open}
      title={m.dispatchTitle}
      okText={m.dispatch}
      cancelText={m.close}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
      width={720}
    >
      <Form<DispatchForm>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{
          scope: "all",
          by: "carrier",
          quantities: Object.fromEntries(lines.map((l) => [l.id, l.reserved_quantity])),
        }}
        onFinish={(values) => save.mutate(values)}
      >
        <Form.Item name="scope" label={m.dispatchWhat}>
          <Radio.Group
            options={[
              { value: "all", label: m.dispatchAll },
              { value: "some", label: m.dispatchSome, disabled: lines.length === 0 },
            ]}
          />
        </Form.Item>
        {scope === "some" ? (
          <Table<Line>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={lines}
            style={{ marginBottom: 16 }}
            columns={[
              { key: "part", title: m.part, render: (_, l) => `${l.name} (${l.sku})` },
              { key: "reserved", title: m.reservedColumn, width: 90, align: "right", dataIndex: "reserved_quantity" },
              {
                key: "send",
                title: m.dispatchQuantity,
                width: 120,
                render: (_, l) => (
                  <Form.Item name={["quantities", l.id]} noStyle>
                    <InputNumber min={0} max={l.reserved_quantity} precision={0} data-testid={`dispatch-quantity-${l.id}`} />
                  </Form.Item>
                ),
              },
            ]}
          />
        ) : null}
        <Form.Item name="by" label={m.deliveryBy}>
          <Radio.Group
            options={[
              { value: "carrier", label: m.byCarrier },
              { value: "driver", label: m.byDriver },
            ]}
          />
        </Form.Item>
        {by === "driver" ? (
          <Space wrap>
            <Form.Item name="driver_name" label={m.driverName}>
              <Input style={{ width: 200 }} data-testid="dispatch-driver-name" />
            </Form.Item>
            <Form.Item name="driver_phone" label={m.driverPhone} rules={[{ required: true, message: m.driverPhoneRequired }]}>
              <Input style={{ width: 200 }} data-testid="dispatch-driver-phone" />
            </Form.Item>
          </Space>
        ) : (
          <Space wrap>
            <Form.Item name="carrier" label={m.carrier} rules={[{ required: true, message: m.carrierRequired }]}>
              <AutoComplete
                style={{ width: 200 }}
                options={CARRIERS.map((c) => ({ value: c }))}
                filterOption={(input, option) => (option?.value ?? "").includes(input.trim())}
                data-testid="dispatch-carrier"
              />
            </Form.Item>
            <Form.Item name="tracking_number" label={m.trackingNumber}>
              <Input style={{ width: 240 }} data-testid="dispatch-tracking" />
            </Form.Item>
          </Space>
        )}
        <Form.Item name="promised_at" label={m.promisedAt} extra={m.promisedHint}>
          <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" data-testid="dispatch-promised" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

interface DeliverForm {
  shipment_id: string;
  received_by: string;
  delivered_at?: dayjs.Dayjs;
}

function DeliverDialog({ order, open, onClose, onDone }: DialogProps) {
  const m = useMessages(orderMessages);
  const { message } = App.useApp();
  const { timeZone } = useDealer();
  const [form] = Form.useForm<DeliverForm>();
  const undelivered = order.shipments.filter((s) => !s.delivered_at);
  const save = useMutation({
    mutationFn: (values: DeliverForm) =>
      unwrap(
        api.POST("/v1/orders/{id}/deliver", {
          params: { path: { id: order.id } },
          body: {
            shipment_id: values.shipment_id === "all" ? null : values.shipment_id,
            received_by: values.received_by.trim(),
            delivered_at: values.delivered_at ? values.delivered_at.toISOString() : null,
          },
        }),
      ),
    onSuccess: (saved) => {
      message.success(m.delivered);
      onDone(saved);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, ["shipment_id", "received_by", "delivered_at"])) message.error(problemText(error));
    },
  });
  return (
    <Modal
      open={open}
      title={m.deliverTitle}
      okText={m.deliver}
      cancelText={m.close}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<DeliverForm>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ shipment_id: undelivered.length === 1 ? undelivered[0].id : "all" }}
        onFinish={(values) => save.mutate(values)}
      >
        <Form.Item name="shipment_id" label={m.shipment}>
          <Select
            options={[
              ...(undelivered.length > 1 ? [{ value: "all", label: m.allShipments }] : []),
              ...undelivered.map((s) => ({
                value: s.id,
                label: `${formatDateTime(s.dispatched_at, timeZone)} · ${s.carrier ?? s.driver_name ?? s.driver_phone ?? ""} ${s.tracking_number ?? ""}`,
              })),
            ]}
          />
        </Form.Item>
        <Form.Item
          name="received_by"
          label={m.receivedBy}
          rules={[{ required: true, whitespace: true, message: m.receivedByRequired }]}
        >
          <Input autoFocus placeholder="王师傅" data-testid="deliver-received-by" />
        </Form.Item>
        <Form.Item name="delivered_at" label={m.deliveredAt} extra={m.deliveredAtHint}>
          <DatePicker showTime={{ format: "HH:mm" }} format="YYYY-MM-DD HH:mm" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Cancels the order, or (`rest`) what has not left of a dispatched one. */
function CancelDialog({ order, rest, open, onClose, onDone }: DialogProps & { rest: boolean }) {
  const m = useMessages(orderMessages);
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const save = useMutation({
    mutationFn: (values: { reason: string }) =>
      unwrap(
        api.POST("/v1/orders/{id}/cancel", {
          params: { path: { id: order.id } },
          body: { reason: values.reason.trim() },
        }),
      ),
    onSuccess: (saved) => {
      message.success(rest ? m.restCancelled : m.cancelled);
      onDone(saved);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, ["reason"])) message.error(problemText(error));
    },
  });
  return (
    <Modal
      open={open}
      title={rest ? m.cancelRest : m.cancelTitle}
      okText={rest ? m.cancelRest : m.cancelOrder}
      okButtonProps={{ danger: true }}
      cancelText={m.close}
      confirmLoading={save.isPending}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <p>{rest ? m.cancelRestHelp : m.cancelHelp}</p>
      <Form form={form} layout="vertical" preserve={false} onFinish={(values) => save.mutate(values)}>
        <Form.Item
          name="reason"
          label={m.cancelReason}
          rules={[{ required: true, whitespace: true, message: m.cancelReasonRequired }, { max: 500 }]}
        >
          <Input.TextArea autoFocus rows={3} data-testid="cancel-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
