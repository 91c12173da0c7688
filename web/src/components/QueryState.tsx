import { Button, Result, Spin } from "antd";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { ApiError } from "../api/client";
import { useMessages } from "../i18n";
import { commonMessages } from "./messages";

/** The "not found" page: also what another dealer's id in the URL shows. */
export function NotFound() {
  const m = useMessages(commonMessages);
  return (
    <Result
      status="404"
      title={m.notFoundTitle}
      subTitle={m.notFoundDetail}
      extra={
        <Link to="/">
          <Button type="primary">{m.backHome}</Button>
        </Link>
      }
    />
  );
}

/** Renders loading, not found and errors of a query the same way on every screen. */
export function QueryState({
  isPending,
  error,
  onRetry,
  children,
}: {
  isPending: boolean;
  error: unknown;
  onRetry?: () => void;
  children: () => ReactNode;
}) {
  const m = useMessages(commonMessages);
  if (error) {
    if (error instanceof ApiError && error.isNotFound) return <NotFound />;
    const requestId = error instanceof ApiError ? error.problem.request_id : undefined;
    return (
      <Result
        status="error"
        title={m.errorTitle}
        subTitle={
          <>
            {error instanceof Error ? error.message : String(error)}
            {requestId ? ` (${m.requestId}: ${requestId})` : null}
          </>
        }
        extra={onRetry ? <Button onClick={onRetry}>{m.retry}</Button> : null}
      />
    );
  }
  if (isPending) {
    return (
      <div style={{ padding: 48, textAlign: "center" }}>
        <Spin description={m.loading}>
          <div style={{ minHeight: 40 }} />
        </Spin>
      </div>
    );
  }
  return <>{children()}</>;
}

/** A problem's message for a toast, naming the field at fault when there is one. */
export function problemText(error: unknown): string {
  if (error instanceof ApiError) {
    const field = error.problem.errors?.[0];
    return field ? `${error.message} (${field.field}: ${field.message})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
