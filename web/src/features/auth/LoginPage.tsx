import { Alert, Button, Card, Form, Input, Typography } from "antd";
import { useState } from "react";
import { Link, Navigate, useLocation, useNavigate } from "react-router";
import { api, unwrap } from "../../api/client";
import { problemText } from "../../components/QueryState";
import { useLocale, useMessages } from "../../i18n";
import { useSession } from "../../session";
import { authMessages } from "./messages";

function AuthCard({ children, title }: { children: React.ReactNode; title: string }) {
  const m = useMessages(authMessages);
  const { locale, setLocale } = useLocale();
  return (
    <div style={{ minHeight: "100vh", display: "grid", placeItems: "center", background: "#f5f5f5" }}>
      <Card style={{ width: 400 }}>
        <div style={{ display: "flex", justifyContent: "space-between", alignItems: "baseline" }}>
          <Typography.Title level={3} style={{ marginTop: 0 }}>
            {title}
          </Typography.Title>
          <Button type="link" size="small" onClick={() => setLocale(locale === "zh-CN" ? "en" : "zh-CN")}>
            {m.language}
          </Button>
        </div>
        <Typography.Paragraph type="secondary">{m.subtitle}</Typography.Paragraph>
        {children}
      </Card>
    </div>
  );
}

export function LoginPage() {
  const m = useMessages(authMessages);
  const { session, login } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = (location.state as { from?: string } | null)?.from ?? "/inquiries";
  if (session) return <Navigate to={next} replace />;

  const submit = async (values: { email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(values.email.trim(), values.password);
      navigate(next, { replace: true });
    } catch (e) {
      setError(problemText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title={m.title}>
      {error && <Alert type="error" title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item name="email" label={m.email} rules={[{ required: true, message: m.required }]}>
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item name="password" label={m.password} rules={[{ required: true, message: m.required }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
          {m.login}
        </Button>
      </Form>
      <div style={{ marginTop: 16 }}>
        <Link to="/signup">{m.signupLink}</Link>
      </div>
    </AuthCard>
  );
}

export function SignupPage() {
  const m = useMessages(authMessages);
  const { session, login } = useSession();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (session) return <Navigate to="/inquiries" replace />;

  const submit = async (values: { dealer_name: string; name?: string; email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST("/v1/signup", {
          body: {
            dealer_name: values.dealer_name.trim(),
            name: values.name?.trim() || null,
            email: values.email.trim(),
            password: values.password,
          },
        }),
      );
      // Sign-up answers with a bearer token for integrators; the console holds a cookie session.
      await login(values.email.trim(), values.password);
      navigate("/catalog", { replace: true });
    } catch (e) {
      setError(problemText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title={m.signupTitle}>
      {error && <Alert type="error" title={error} style={{ marginBottom: 16 }} data-testid="signup-error" />}
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item name="dealer_name" label={m.dealerName} rules={[{ required: true, message: m.required }]}>
          <Input autoFocus />
        </Form.Item>
        <Form.Item name="name" label={m.ownerName}>
          <Input />
        </Form.Item>
        <Form.Item name="email" label={m.email} rules={[{ required: true, message: m.required }]}>
          <Input autoComplete="username" />
        </Form.Item>
        <Form.Item
          name="password"
          label={m.password}
          extra={m.passwordHint}
          rules={[{ required: true, message: m.required }, { min: 10, max: 128, message: m.passwordHint }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy} data-testid="signup-submit">
          {m.signup}
        </Button>
      </Form>
      <div style={{ marginTop: 16 }}>
        <Link to="/login">{m.loginLink}</Link>
      </div>
    </AuthCard>
  );
}
