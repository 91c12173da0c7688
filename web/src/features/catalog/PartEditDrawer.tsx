import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, Col, Drawer, Form, Input, InputNumber, Row, Select, Space, Switch, Typography } from "antd";
import { api, unwrap } from "../../api/client";
import { problemText } from "../../components/QueryState";
import { useMessages } from "../../i18n";
import { isValidPrice } from "../../lib/format";
import { showFieldErrors } from "./formErrors";
import { catalogMessages } from "./messages";
import { formValues, isJsonObject, PART_FORM_FIELDS, partErrorPath, partPatch, type Part, type PartFormValues } from "./partForm";

function NumbersField({ name, label, help }: { name: keyof PartFormValues; label: string; help: string }) {
  return (
    <Form.Item name={name} label={label} extra={help}>
      <Select mode="tags" tokenSeparators={[";", "；", "\n"]} open={false} suffixIcon={null} placeholder={help} />
    </Form.Item>
  );
}

/** Edits every field of a part; the server's field errors appear on the fields they name. */
export function PartEditDrawer({ part, open, onClose }: { part: Part; open: boolean; onClose: () => void }) {
  const m = useMessages(catalogMessages);
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<PartFormValues>();
  const initial = formValues(part);

  const save = useMutation({
    mutationFn: (values: PartFormValues) =>
      unwrap(api.PATCH("/v1/parts/{id}", { params: { path: { id: part.id } }, body: partPatch(initial, values) })),
    onSuccess: (updated) => {
      client.setQueryData(["parts", "detail", part.id], updated);
      client.invalidateQueries({ queryKey: ["parts"] });
      message.success(m.saved);
      onClose();
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, PART_FORM_FIELDS, partErrorPath)) message.error(problemText(error));
    },
  });

  return (
    <Drawer
      title={m.editPart}
      open={open}
      onClose={onClose}
      size={760}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{m.cancel}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="part-save">
            {m.save}
          </Button>
        </Space>
      }
    >
      <Form<PartFormValues>
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={(values) => save.mutate(values)}
        scrollToFirstError
      >
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="sku" label={m.sku} rules={[{ required: true, whitespace: true, max: 64 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="brand" label={m.brand} rules={[{ max: 100 }]}>
              <Input />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="name" label={m.name} rules={[{ required: true, whitespace: true, max: 200 }]}>
          <Input />
        </Form.Item>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="category" label={m.category} rules={[{ max: 100 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="unit" label={m.unit} rules={[{ max: 100 }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="active" label={m.status} valuePropName="checked">
              <Switch checkedChildren={m.active} unCheckedChildren={m.inactive} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item
              name="price"
              label={`${m.price} (${part.currency})`}
              rules={[
                {
                  validator: (_, value: string) =>
                    !value || isValidPrice(value) ? Promise.resolve() : Promise.reject(new Error(m.priceInvalid)),
                },
              ]}
            >
              <Input inputMode="decimal" placeholder="268.00" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="stock" label={m.stock} rules={[{ required: true }]}>
              <InputNumber min={0} max={1_000_000_000} precision={0} style={{ width: "100%" }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="description" label={m.description} rules={[{ max: 2000 }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
        </Form.Item>

        <Typography.Title level={5}>{m.numbers}</Typography.Title>
        <Form.Item name="article_number" label={m.kindArticle} extra={m.articleHelp}>
          <Input />
        </Form.Item>
        <NumbersField name="oe_numbers" label={m.kindOe} help={m.oeHelp} />
        <NumbersField name="cross_numbers" label={m.kindInterchange} help={m.crossHelp} />
        <NumbersField name="supersedes" label={m.kindSupersedes} help={m.numberHelp} />
        <NumbersField name="superseded_by" label={m.kindSupersededBy} help={m.numberHelp} />

        <Typography.Title level={5}>{m.fitment}</Typography.Title>
        <Form.List name="fitment">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => (
                <Row key={field.key} gutter={8} align="top">
                  <Col span={5}>
                    <Form.Item name={[field.name, "make"]} rules={[{ required: true, whitespace: true }]}>
                      <Input placeholder={m.make} aria-label={m.make} />
                    </Form.Item>
                  </Col>
                  <Col span={5}>
                    <Form.Item name={[field.name, "model"]}>
                      <Input placeholder={m.model} aria-label={m.model} />
                    </Form.Item>
                  </Col>
                  <Col span={3}>
                    <Form.Item name={[field.name, "year_from"]}>
                      <InputNumber placeholder={m.yearFrom} aria-label={m.yearFrom} min={1900} max={2100} precision={0} style={{ width: "100%" }} />
                    </Form.Item>
                  </Col>
                  <Col span={3}>
                    <Form.Item name={[field.name, "year_to"]}>
                      <InputNumber placeholder={m.yearTo} aria-label={m.yearTo} min={1900} max={2100} precision={0} style={{ width: "100%" }} />
                    </Form.Item>
                  </Col>
                  <Col span={4}>
                    <Form.Item name={[field.name, "engine"]}>
                      <Input placeholder={m.engine} aria-label={m.engine} />
                    </Form.Item>
                  </Col>
                  <Col span={3}>
                    <Form.Item name={[field.name, "note"]}>
                      <Input placeholder={m.note} aria-label={m.note} />
                    </Form.Item>
                  </Col>
                  <Col span={1}>
                    <Button type="text" danger icon={<DeleteOutlined />} aria-label={m.removeRow} onClick={() => remove(field.name)} />
                  </Col>
                </Row>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ make: "" })} block style={{ marginBottom: 16 }}>
                {m.addFitment}
              </Button>
            </>
          )}
        </Form.List>

        <Form.Item
          name="attributes"
          label={m.attributes}
          extra={m.attributesHelp}
          rules={[
            {
              validator: (_, value: string) =>
                isJsonObject(value ?? "") ? Promise.resolve() : Promise.reject(new Error(m.attributesInvalid)),
            },
          ]}
        >
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 10 }} style={{ fontFamily: "monospace" }} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}
