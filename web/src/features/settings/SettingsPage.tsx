import { Tabs, Typography } from "antd";
import type { ReactNode } from "react";
import { useSearchParams } from "react-router";
import { useMessages } from "../../i18n";
import { usePermissions } from "../../session";
import { GeneralSettings } from "./GeneralSettings";
import { Notifications } from "./Notifications";
import { settingsMessages } from "./messages";
import { Profile } from "./Profile";
import { Staff } from "./Staff";
import { Webhooks } from "./Webhooks";

type Tab = "general" | "staff" | "notifications" | "webhooks" | "my-notifications" | "profile";

export default function SettingsPage() {
  const m = useMessages(settingsMessages);
  const { canAdmin } = usePermissions();
  const [params, setParams] = useSearchParams();
  // Staff and webhooks are for owners and admins only; the API refuses everyone else.
  const tabs: { key: Tab; label: string; content: ReactNode }[] = [
    { key: "general", label: m.tabGeneral, content: <GeneralSettings /> },
    ...(canAdmin
      ? [
          { key: "staff" as const, label: m.tabStaff, content: <Staff /> },
          { key: "notifications" as const, label: m.tabNotifications, content: <Notifications /> },
          { key: "webhooks" as const, label: m.tabWebhooks, content: <Webhooks /> },
        ]
      : []),
    { key: "my-notifications" as const, label: m.tabMyNotifications, content: <Notifications scope="me" /> },
    { key: "profile", label: m.tabProfile, content: <Profile /> },
  ];
  const active = tabs.find((t) => t.key === params.get("tab"))?.key ?? "general";
  return (
    <>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {m.title}
      </Typography.Title>
      <Tabs
        activeKey={active}
        onChange={(key) => setParams(key === "general" ? {} : { tab: key })}
        destroyOnHidden
        items={tabs.map((t) => ({
          key: t.key,
          label: <span data-testid={`settings-tab-${t.key}`}>{t.label}</span>,
          children: t.content,
        }))}
      />
    </>
  );
}
