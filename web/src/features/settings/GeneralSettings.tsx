import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Descriptions, Form, InputNumber, Space, Switch } from "antd";
import { useState } from "react";
import { api, unwrap } from "../../api/client";
import { problemText, QueryState } from "../../components/QueryState";
import { useMessages } from "../../i18n";
import { usePermissions } from "../../session";
import { showFieldErrors } from "../catalog/formErrors";
import { settingsMessages } from "./messages";
import { settingsQuery, type Settings, type SettingsPatch } from "./queries";
import { SETTINGS_FIELDS, settingsPatch, type NumberField, type SettingsValues } from "./settingsPatch";

function SettingsForm({ settings }: { settings: Settings }) {
  const m = useMessages(settingsMessages);
  const { message } = App.useApp();
  const { canAdmin } = usePermissions();
  const client = useQueryClient();
  const [form] = Form.useForm<SettingsValues>();
  const [dirty, setDirty] = useState(false);

  const save = useMutation({
    mutationFn: (patch: SettingsPatch) =>
      unwrap(api.PATCH("/v1/settings", { body: patch })),
    onSuccess: (saved) => {
      // The form is drawn again from what was saved.
      client.setQueryData(settingsQuery.queryKey, saved);
      message.success(m.saved);
    },
    onError: (error) => {
      if (!showFieldErrors(form, error, SETTINGS_FIELDS)) message.error(problemText(error));
    },
  });

  const number = (field: NumberField, min: number, max: number, unit: string, label: string, help: string, testId?: string) => (
    <Form.Item name={field} label={label} extra={help} rules={[{ required: true, type: "integer", min, max, message: `${min}-${max}` }]}>
      <InputNumber min={min} max={max} precision={0} suffix={unit} style={{ width: 180 }} disabled={!canAdmin} data-testid={testId} />
    </Form.Item>
  );

  return (
    <Form<SettingsValues>
      form={form}
      layout="vertical"
      initialValues={settings}
      onValuesChange={() => setDirty(true)}
      onFinish={(values) => {
        const patch = settingsPatch(settings, values);
        if (Object.keys(patch).length === 0) {
          setDirty(false);
          return;
        }
        save.mutate(patch);
      }}
      style={{ maxWidth: 760 }}
    >
      {!canAdmin && <Alert type="info" showIcon title={m.readOnly} style={{ marginBottom: 16 }} />}
      <Card size="small" title={m.quotesSection} style={{ marginBottom: 16 }}>
        <Form.Item name="auto_send" label={m.autoSend} extra={m.autoSendHelp} valuePropName="checked">
          <Switch disabled={!canAdmin} data-testid="settings-auto-send" />
        </Form.Item>
        {number("quote_validity_hours", 1, 720, m.hours, m.quoteValidity, m.quoteValidityHelp, "settings-quote-validity")}
        {number("response_target_minutes", 1, 1440, m.minutes, m.responseTarget, m.responseTargetHelp, "settings-response-target")}
      </Card>
      <Card size="small" title={m.remindersSection} style={{ marginBottom: 16 }}>
        {number("reminder_lead_days", 0, 60, m.days, m.reminderLead, m.reminderLeadHelp)}
        {number("reminder_window_days", 1, 90, m.days, m.reminderWindow, m.reminderWindowHelp)}
        {number("reminder_contacts_per_week", 1, 14, m.times, m.reminderContacts, m.reminderContactsHelp)}
        <Form.Item
          name="proactive_quote_days"
          label={m.proactiveDays}
          extra={m.proactiveDaysHelp}
          rules={[{ type: "integer", min: 0, max: 60, message: "0-60" }]}
        >
          <InputNumber
            min={0}
            max={60}
            precision={0}
            suffix={m.days}
            placeholder={m.proactiveOff}
            style={{ width: 180 }}
            disabled={!canAdmin}
            data-testid="settings-proactive-days"
          />
        </Form.Item>
      </Card>
      <Descriptions
        size="small"
        bordered
        column={2}
        style={{ marginBottom: 16 }}
        items={[
          { key: "tz", label: m.timeZone, children: settings.time_zone },
          { key: "currency", label: m.currency, children: settings.currency },
        ]}
      />
      {canAdmin && (
        <Space>
          <Button type="primary" htmlType="submit" loading={save.isPending} disabled={!dirty} data-testid="settings-save">
            {m.save}
          </Button>
          {dirty && (
            <Button
              onClick={() => {
                form.resetFields();
                setDirty(false);
              }}
            >
              {m.discard}
            </Button>
          )}
        </Space>
      )}
    </Form>
  );
}

export function GeneralSettings() {
  const query = useQuery(settingsQuery);
  return (
    <QueryState isPending={query.isPending} error={query.error} onRetry={() => query.refetch()}>
      {() => query.data && <SettingsForm key={JSON.stringify(query.data)} settings={query.data} />}
    </QueryState>
  );
}
