import { useEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";

/** One event of `GET /v1/stream`. */
export interface StreamEvent {
  id: string;
  kind: string;
  subject_id: string;
  customer_id?: string | null;
  occurred_at: string;
  payload: Record<string, unknown>;
}

type Listener = (event: StreamEvent) => void;
const listeners = new Set<Listener>();

/** Subscribe a screen to the dealer's live events (new inquiries, claims, sent quotes...). */
export function useStreamEvents(listener: Listener) {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => {
    const wrapped: Listener = (event) => ref.current(event);
    listeners.add(wrapped);
    return () => {
      listeners.delete(wrapped);
    };
  }, []);
}

/** Which cached lists an event makes stale. */
function staleKeys(kind: string): string[][] {
  if (kind.startsWith("inquiry")) return [["inquiries"], ["inquiry"]];
  if (kind.startsWith("quote")) return [["inquiries"], ["inquiry"], ["quotes"], ["quote"], ["orders"]];
  if (kind.startsWith("order")) return [["orders"], ["order"], ["quotes"]];
  if (kind.startsWith("import")) return [["imports"], ["parts"]];
  if (kind.startsWith("reminder")) return [["reminders"]];
  if (kind.startsWith("customer") || kind.startsWith("api_key")) return [["customers"], ["customer"]];
  return [];
}

export type StreamState = "connecting" | "live" | "offline";

/**
 * Keeps one `EventSource` open for the signed-in dealer. The browser reconnects by itself and
 * sends `Last-Event-ID`, so nothing written while the connection was down is missed.
 */
export function useLiveStream(enabled: boolean) {
  const client = useQueryClient();
  const [state, setState] = useState<StreamState>("connecting");
  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const source = new EventSource("/v1/stream");
    const handle = (message: MessageEvent<string>) => {
      let event: StreamEvent;
      try {
        event = { id: message.lastEventId, ...(JSON.parse(message.data) as Omit<StreamEvent, "id">) };
      } catch {
        return;
      }
      for (const key of staleKeys(event.kind)) client.invalidateQueries({ queryKey: key });
      for (const listener of listeners) listener(event);
    };
    source.onmessage = handle;
    for (const kind of KINDS) source.addEventListener(kind, handle as EventListener);
    source.onopen = () => setState("live");
    // The browser retries by itself; until it is back the person should know the list may lag.
    source.onerror = () => setState(source.readyState === EventSource.OPEN ? "live" : "offline");
    return () => {
      source.close();
      setState("connecting");
    };
  }, [enabled, client]);
  return state;
}

const KINDS = [
  "inquiry_received",
  "inquiry_claimed",
  "inquiry_released",
  "quote_drafted",
  "quote_updated",
  "quote_sent",
  "quote_viewed",
  "quote_accepted",
  "quote_rejected",
  "quote_expired",
  "quote_cancelled",
  "order_created",
  "import_finished",
  "reminder_raised",
  "reminder_converted",
  "customer_created",
  "customer_updated",
  "customer_archived",
  "api_key_issued",
  "api_key_revoked",
];
