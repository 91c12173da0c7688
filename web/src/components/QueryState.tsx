import { Spin } from "antd";
import { lazy, Suspense, type ReactNode } from "react";
import { ApiError } from "../api/client";
import { useMessages } from "../i18n";
import { commonMessages } from "./messages";

const NotFoundView = lazy(() => import("./ProblemViews").then((m) => ({ default: m.NotFoundView })));
const ErrorView = lazy(() => import("./ProblemViews").then((m) => ({ default: m.ErrorView })));

/** The "not found" page: also what another dealer's id in the URL shows. */
export function NotFound() {
  return (
    <Suspense fallback={null}>
      <NotFoundView />
    </Suspense>
  );
}

function Pending() {
  const m = useMessages(commonMessages);
  return (
    <div style={{ padding: 48, textAlign: "center" }}>
      <Spin description={m.loading}>
        <div style={{ minHeight: 40 }} />
      </Spin>
    </div>
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
  if (error) {
    if (error instanceof ApiError && error.isNotFound) return <NotFound />;
    return (
      <Suspense fallback={null}>
        <ErrorView error={error} onRetry={onRetry} />
      </Suspense>
    );
  }
  if (isPending) return <Pending />;
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
