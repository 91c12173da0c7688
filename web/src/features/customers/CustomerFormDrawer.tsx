import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, Col, Drawer, Form, Input, InputNumber, Row, Space } from "antd";
import { api, unwrap } from "../../api/client";
import { problemText } from "../../components/QueryState";
import { useMessages } from "../../i18n";
import { showFieldErrors } from "../catalog/formErrors";
import {
  createBody,
  CUSTOMER_FORM_FIELDS,
  customerValues,
  updateBody,
  type Customer,
  type CustomerFormValues,
} from "./customerForm";
import { customerMessages } from "./messages";

/**
 * Adds a customer (without `customer`) or edits one; the server's field errors appear on the
 * fields they name. `onSaved` gets the customer as saved.
 */
export function CustomerFormDrawer({
  customer,
  open,
  onClose,
  onSaved,
}: {
  customer?: Customer;
  open: boolean;
  onClose: () => void;
  onSaved: (customer: Customer) => void;
}) {
  const m = useMessages(customerMessages);
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<CustomerFormValues>();
  const initial = customerValues(customer);

  const save = useMutation({
    mutationFn: (values: CustomerFormValues) =>
      customer
        ? unwrap(
            api.PATCH("/v1/customers/{id}", {
              params: { path: { id: customer.id } },
              body: updateBody(initial, values),
            }),
          )
        : unwrap(api.POST("/v1/customers", { body: createBody(values) })),
    onSuccess: (saved) => {
      client.setQueryData(["customer", saved.id], saved);
      client.invalidateQueries({ queryKey: ["customers"] });
      message.success(customer ? m.saved : m.created);
      onSaved(saved);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, CUSTOMER_FORM_FIELDS)) message.error(problemText(error));
    },
  });

  return (
    <Drawer
      title={customer ? m.editCustomer : m.newCustomer}
      open={open}
      onClose={onClose}
      size={560}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{m.cancel}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="customer-save">
            {m.save}
          </Button>
        </Space>
      }
    >
      <Form<CustomerFormValues>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={(values) => save.mutate(values)}
        scrollToFirstError
      >
        <Form.Item name="name" label={m.name} rules={[{ required: true, whitespace: true, message: m.nameRequired }, { max: 200 }]}>
          <Input autoFocus placeholder={m.namePlaceholder} data-testid="customer-name-input" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="contact_name" label={m.contact} rules={[{ max: 200 }]}>
              <Input placeholder={m.contactPlaceholder} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="phone" label={m.phone} rules={[{ max: 40 }]}>
              <Input inputMode="tel" placeholder="138 0013 8000" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="email" label={m.email} rules={[{ type: "email", message: m.emailInvalid }, { max: 254 }]}>
          <Input inputMode="email" />
        </Form.Item>
        <Form.Item name="address" label={m.address} rules={[{ max: 500 }]}>
          <Input />
        </Form.Item>
        <Form.Item name="price_level" label={m.priceLevel} extra={m.priceLevelHelp}>
          <InputNumber min={0} max={100} step={0.5} precision={2} suffix="%" style={{ width: 200 }} data-testid="customer-price-level" />
        </Form.Item>
        <Form.Item name="notes" label={m.notes} rules={[{ max: 2000 }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} showCount maxLength={2000} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
