import {
  AppstoreOutlined,
  BarChartOutlined,
  BellOutlined,
  BulbOutlined,
  FileTextOutlined,
  InboxOutlined,
  RollbackOutlined,
  SettingOutlined,
  ShoppingCartOutlined,
  TeamOutlined,
} from "@ant-design/icons";
import { Button, Layout, Menu, Space, theme } from "antd";
import { lazy, Suspense } from "react";
import { Outlet, useLocation, useNavigate } from "react-router";
import { QueryState } from "../components/QueryState";
import { useLocale, useMessages } from "../i18n";
import { useLiveStream } from "../lib/stream";
import { useMe, useSession } from "../session";
import { layoutMessages } from "./messages";

// The bell pulls in Badge, Popover and List: not on the first screen's critical path.
const NotificationBell = lazy(() => import("./NotificationBell"));

const SECTIONS = [
  { key: "/inquiries", icon: <InboxOutlined />, label: "inbox" },
  { key: "/quotes", icon: <FileTextOutlined />, label: "quotes" },
  { key: "/orders", icon: <ShoppingCartOutlined />, label: "orders" },
  { key: "/returns", icon: <RollbackOutlined />, label: "returns" },
  { key: "/catalog", icon: <AppstoreOutlined />, label: "catalog" },
  { key: "/customers", icon: <TeamOutlined />, label: "customers" },
  { key: "/figures", icon: <BarChartOutlined />, label: "figures" },
  { key: "/insights", icon: <BulbOutlined />, label: "insights" },
  { key: "/reminders", icon: <BellOutlined />, label: "reminders" },
  { key: "/settings", icon: <SettingOutlined />, label: "settings" },
] as const;

export function AppLayout() {
  const m = useMessages(layoutMessages);
  const me = useMe();
  const { logout } = useSession();
  const { locale, setLocale } = useLocale();
  const navigate = useNavigate();
  const location = useLocation();
  const stream = useLiveStream(true);
  // Plain elements with the theme's colours: the first screen does without Typography and Badge.
  const { token } = theme.useToken();
  const selected = SECTIONS.find((s) => location.pathname.startsWith(s.key))?.key ?? "/inquiries";
  const roleLabel = {
    owner: m.roleOwner,
    admin: m.roleAdmin,
    sales: m.roleSales,
    viewer: m.roleViewer,
  }[me.user.role];

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={56} theme="light" width={176}>
        <div style={{ padding: "16px 16px 8px", fontWeight: 600, whiteSpace: "nowrap", overflow: "hidden" }}>
          {m.product}
        </div>
        <Menu
          mode="inline"
          selectedKeys={[selected]}
          items={SECTIONS.map((s) => ({ key: s.key, icon: s.icon, label: m[s.label] }))}
          onClick={({ key }) => navigate(key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: "#fff",
            padding: "0 16px",
            display: "flex",
            alignItems: "center",
            justifyContent: "space-between",
            borderBottom: "1px solid #f0f0f0",
          }}
        >
          <strong data-testid="dealer-name">{me.tenant.name}</strong>
          <Space size="middle">
            <span data-testid="live-status" data-state={stream} role="status">
              <span
                aria-hidden
                style={{
                  display: "inline-block",
                  width: 6,
                  height: 6,
                  borderRadius: 3,
                  marginInlineEnd: 8,
                  verticalAlign: "middle",
                  background: { live: token.colorSuccess, offline: token.colorWarning, connecting: token.colorTextQuaternary }[stream],
                }}
              />
              {{ live: m.live, offline: m.offline, connecting: m.connecting }[stream]}
            </span>
            <Suspense fallback={null}>
              <NotificationBell tenantId={me.tenant.id} />
            </Suspense>
            <Button type="text" onClick={() => setLocale(locale === "zh-CN" ? "en" : "zh-CN")} data-testid="switch-language">
              {m.language}
            </Button>
            <span style={{ color: token.colorTextSecondary }}>
              {me.user.name} · {roleLabel}
            </span>
            <Button onClick={() => logout().then(() => navigate("/login"))} data-testid="logout">
              {m.logout}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 16 }}>
          <Suspense fallback={<QueryState isPending error={null} children={() => null} />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
