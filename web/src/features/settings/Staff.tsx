import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Flex, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import { useState, type ComponentProps, type HTMLAttributes } from "react";
import { api, unwrap, type Schemas } from "../../api/client";
import { problemText, QueryState } from "../../components/QueryState";
import { useMessages } from "../../i18n";
import { formatDateTime } from "../../lib/format";
import { useDealer, useMe } from "../../session";
import { showFieldErrors } from "../catalog/formErrors";
import { settingsMessages } from "./messages";
import { usersQuery } from "./queries";
import { assignableRoles, canManage, type Role, type StaffMember } from "./staffRules";

const ROLE_COLORS: Record<Role, string> = { owner: "gold", admin: "purple", sales: "blue", viewer: "default" };

export function useRoleLabel() {
  const m = useMessages(settingsMessages);
  const labels: Record<Role, string> = { owner: m.roleOwner, admin: m.roleAdmin, sales: m.roleSales, viewer: m.roleViewer };
  return (role: Role) => labels[role];
}

interface NewMember {
  email: string;
  name: string;
  password: string;
  role: Role;
}

interface MemberEdit {
  name: string;
  role: Role;
  password?: string;
}

function AddMemberModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const m = useMessages(settingsMessages);
  const { message } = App.useApp();
  const me = useMe();
  const roleLabel = useRoleLabel();
  const client = useQueryClient();
  const [form] = Form.useForm<NewMember>();
  const roles = assignableRoles(me.user.role);
  const add = useMutation({
    mutationFn: (values: NewMember) =>
      unwrap(api.POST("/v1/users", { body: { ...values, email: values.email.trim(), name: values.name.trim() } })),
    onSuccess: (user) => {
      client.invalidateQueries({ queryKey: usersQuery.queryKey });
      message.success(`${m.memberAdded}: ${user.name}`);
      onClose();
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, ["email", "name", "password", "role"])) message.error(problemText(error));
    },
  });
  return (
    <Modal
      open={open}
      title={m.addMember}
      okText={m.add}
      cancelText={m.cancel}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={add.isPending}
      okButtonProps={{ "data-testid": "staff-add-confirm" } as ComponentProps<typeof Button>}
      destroyOnHidden
    >
      <Form<NewMember>
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ role: roles.includes("sales") ? "sales" : roles[0] }}
        onFinish={(values) => add.mutate(values)}
      >
        <Form.Item name="email" label={m.email} rules={[{ required: true, type: "email", message: m.emailInvalid }, { max: 254 }]}>
          <Input autoFocus inputMode="email" autoComplete="off" data-testid="staff-email" />
        </Form.Item>
        <Form.Item name="name" label={m.name} rules={[{ required: true, whitespace: true, message: m.required }, { max: 200 }]}>
          <Input data-testid="staff-name" />
        </Form.Item>
        <Form.Item
          name="password"
          label={m.initialPassword}
          extra={m.passwordHelp}
          rules={[{ required: true, message: m.required }, { min: 10, max: 128, message: m.passwordLength }]}
        >
          <Input.Password autoComplete="new-password" data-testid="staff-password" />
        </Form.Item>
        <Form.Item name="role" label={m.role} extra={m.roleHelp} rules={[{ required: true }]}>
          <Select options={roles.map((role) => ({ value: role, label: roleLabel(role) }))} data-testid="staff-role" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function EditMemberModal({ member, onClose }: { member: StaffMember | null; onClose: () => void }) {
  const m = useMessages(settingsMessages);
  const { message } = App.useApp();
  const me = useMe();
  const roleLabel = useRoleLabel();
  const client = useQueryClient();
  const [form] = Form.useForm<MemberEdit>();
  const save = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Schemas["UpdateUserRequest"] }) =>
      unwrap(api.PATCH("/v1/users/{id}", { params: { path: { id } }, body })),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: usersQuery.queryKey });
      message.success(m.saved);
      onClose();
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, ["name", "role", "password"])) message.error(problemText(error));
    },
  });
  const submit = (values: MemberEdit) => {
    if (!member) return;
    const body: Schemas["UpdateUserRequest"] = {};
    if (values.name.trim() !== member.name) body.name = values.name.trim();
    if (values.role !== member.role) body.role = values.role;
    if (values.password) body.password = values.password;
    if (Object.keys(body).length === 0) return onClose();
    save.mutate({ id: member.id, body });
  };
  return (
    <Modal
      open={member !== null}
      title={member ? `${m.editMember}: ${member.email}` : m.editMember}
      okText={m.save}
      cancelText={m.cancel}
      onOk={() => form.submit()}
      onCancel={onClose}
      confirmLoading={save.isPending}
      okButtonProps={{ "data-testid": "staff-edit-confirm" } as ComponentProps<typeof Button>}
      destroyOnHidden
    >
      {member && (
        <Form<MemberEdit>
          form={form}
          layout="vertical"
          preserve={false}
          initialValues={{ name: member.name, role: member.role }}
          onFinish={submit}
        >
          <Form.Item name="name" label={m.name} rules={[{ required: true, whitespace: true, message: m.required }, { max: 200 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="role" label={m.role} rules={[{ required: true }]}>
            <Select
              options={assignableRoles(me.user.role).map((role) => ({ value: role, label: roleLabel(role) }))}
              data-testid="staff-edit-role"
            />
          </Form.Item>
          <Form.Item
            name="password"
            label={m.resetPassword}
            extra={m.resetPasswordHelp}
            rules={[{ min: 10, max: 128, message: m.passwordLength }]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}

/** Staff accounts: owners and admins add, change and remove those their role may manage. */
export function Staff() {
  const m = useMessages(settingsMessages);
  const { message } = App.useApp();
  const me = useMe();
  const { timeZone } = useDealer();
  const roleLabel = useRoleLabel();
  const client = useQueryClient();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<StaffMember | null>(null);
  const users = useQuery(usersQuery);
  const remove = useMutation({
    mutationFn: (id: string) => unwrap(api.DELETE("/v1/users/{id}", { params: { path: { id } } })),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: usersQuery.queryKey });
      message.success(m.memberRemoved);
    },
    onError: (error) => message.error(problemText(error)),
  });

  return (
    <QueryState isPending={users.isPending} error={users.error} onRetry={() => users.refetch()}>
      {() => (
        <Flex vertical gap={12}>
          <Flex justify="space-between" align="center" wrap gap={8}>
            <Typography.Text type="secondary">{me.user.role === "owner" ? m.staffHelpOwner : m.staffHelpAdmin}</Typography.Text>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="staff-add">
              {m.addMember}
            </Button>
          </Flex>
          <Table<StaffMember>
            rowKey="id"
            size="small"
            dataSource={users.data}
            pagination={false}
            onRow={(user) => ({ "data-testid": `staff-row-${user.email}` }) as HTMLAttributes<HTMLElement>}
            columns={[
              {
                title: m.name,
                dataIndex: "name",
                render: (name: string, user) => (
                  <Space>
                    {name}
                    {user.id === me.user.id && <Tag>{m.you}</Tag>}
                  </Space>
                ),
              },
              { title: m.email, dataIndex: "email" },
              {
                title: m.role,
                dataIndex: "role",
                render: (role: Role) => (
                  <Tag color={ROLE_COLORS[role]} data-testid="staff-role-tag" data-role={role}>
                    {roleLabel(role)}
                  </Tag>
                ),
              },
              { title: m.addedAt, dataIndex: "created_at", render: (at: string) => formatDateTime(at, timeZone) },
              {
                title: "",
                key: "actions",
                width: 160,
                render: (_, user) =>
                  canManage(me.user, user) ? (
                    <Space>
                      <Button size="small" onClick={() => setEditing(user)} data-testid="staff-edit">
                        {m.edit}
                      </Button>
                      <Popconfirm
                        title={m.removeConfirm}
                        description={m.removeHelp}
                        okText={m.remove}
                        okButtonProps={{ danger: true }}
                        cancelText={m.cancel}
                        onConfirm={() => remove.mutateAsync(user.id)}
                      >
                        <Button size="small" danger data-testid="staff-remove">
                          {m.remove}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ) : null,
              },
            ]}
          />
          <AddMemberModal open={adding} onClose={() => setAdding(false)} />
          <EditMemberModal member={editing} onClose={() => setEditing(null)} />
        </Flex>
      )}
    </QueryState>
  );
}
