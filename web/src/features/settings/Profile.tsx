import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Descriptions, Form, Input, Typography } from "antd";
import { api, unwrap, type Schemas } from "../../api/client";
import { problemText } from "../../components/QueryState";
import { useMessages } from "../../i18n";
import { useMe } from "../../session";
import { showFieldErrors } from "../catalog/formErrors";
import { settingsMessages } from "./messages";
import { useRoleLabel } from "./Staff";

interface PasswordValues {
  current_password: string;
  new_password: string;
  confirm: string;
}

/** The signed-in person's own name and password (`PATCH /v1/me`); everyone may change them. */
export function Profile() {
  const m = useMessages(settingsMessages);
  const { message } = App.useApp();
  const me = useMe();
  const client = useQueryClient();
  const roleLabel = useRoleLabel();
  const [nameForm] = Form.useForm<{ name: string }>();
  const [passwordForm] = Form.useForm<PasswordValues>();

  const update = (body: Schemas["UpdateMeRequest"]) => unwrap(api.PATCH("/v1/me", { body }));

  const rename = useMutation({
    mutationFn: (name: string) => update({ name }),
    onSuccess: () => {
      // The header shows the name from the session.
      client.invalidateQueries({ queryKey: ["session"] });
      client.invalidateQueries({ queryKey: ["users"] });
      message.success(m.saved);
    },
    onError: (error) => {
      if (!showFieldErrors(nameForm, error, ["name"])) message.error(problemText(error));
    },
  });
  const changePassword = useMutation({
    mutationFn: (values: PasswordValues) =>
      update({ current_password: values.current_password, new_password: values.new_password }),
    onSuccess: (answer) => {
      // The change ends every session issued before it; called with the cookie, the server
      // answers with this browser's new session (a new cookie and CSRF token), so only the
      // other devices must log in again.
      if ("csrf_token" in answer) client.setQueryData(["session"], answer);
      else client.invalidateQueries({ queryKey: ["session"] });
      passwordForm.resetFields();
      message.success(m.passwordChanged);
    },
    onError: (error) => {
      if (!showFieldErrors(passwordForm, error, ["current_password", "new_password"])) message.error(problemText(error));
    },
  });

  return (
    <div style={{ maxWidth: 640 }}>
      <Descriptions
        size="small"
        bordered
        column={1}
        style={{ marginBottom: 16 }}
        items={[
          { key: "email", label: m.email, children: me.user.email },
          { key: "role", label: m.role, children: roleLabel(me.user.role) },
          { key: "dealer", label: m.dealer, children: me.tenant.name },
        ]}
      />
      <Card size="small" title={m.myName} style={{ marginBottom: 16 }}>
        <Form
          form={nameForm}
          layout="inline"
          initialValues={{ name: me.user.name }}
          onFinish={(values) => rename.mutate(values.name.trim())}
        >
          <Form.Item name="name" rules={[{ required: true, whitespace: true, message: m.required }, { max: 200 }]} style={{ flex: 1 }}>
            <Input aria-label={m.myName} data-testid="profile-name" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={rename.isPending} data-testid="profile-save">
            {m.save}
          </Button>
        </Form>
      </Card>
      <Card size="small" title={m.changePassword}>
        <Form<PasswordValues> form={passwordForm} layout="vertical" onFinish={(values) => changePassword.mutate(values)}>
          <Form.Item name="current_password" label={m.currentPassword} rules={[{ required: true, message: m.required }]}>
            <Input.Password autoComplete="current-password" data-testid="profile-current-password" />
          </Form.Item>
          <Form.Item
            name="new_password"
            label={m.newPassword}
            extra={m.passwordHelp}
            rules={[{ required: true, message: m.required }, { min: 10, max: 128, message: m.passwordLength }]}
          >
            <Input.Password autoComplete="new-password" data-testid="profile-new-password" />
          </Form.Item>
          <Form.Item
            name="confirm"
            label={m.confirmPassword}
            dependencies={["new_password"]}
            rules={[
              { required: true, message: m.required },
              ({ getFieldValue }) => ({
                validator: (_, value: string) =>
                  !value || value === getFieldValue("new_password") ? Promise.resolve() : Promise.reject(new Error(m.passwordMismatch)),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" data-testid="profile-confirm-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={changePassword.isPending} data-testid="profile-change-password">
            {m.changePassword}
          </Button>
          <div style={{ marginTop: 8 }}>
            <Typography.Text type="secondary">{m.passwordChangeNote}</Typography.Text>
          </div>
        </Form>
      </Card>
    </div>
  );
}
