import { Button, Result } from "antd";
import { Link } from "react-router";
import { ApiError } from "../api/client";
import { useMessages } from "../i18n";
import { commonMessages } from "./messages";

// Loaded only when something went wrong: the illustrations weigh more than the first screen
// should carry.

export function NotFoundView() {
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

export function ErrorView({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const m = useMessages(commonMessages);
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
