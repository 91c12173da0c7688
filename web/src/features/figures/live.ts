import { useEffect, useRef } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useStreamEvents } from "../../lib/stream";

/** Events that change a figure: a new inquiry, a sent or accepted quote, an order, a reminder. */
const CHANGES_FIGURES = new Set([
  "inquiry_received",
  "quote_sent",
  "quote_accepted",
  "quote_rejected",
  "order_created",
  "reminder_raised",
  "reminder_converted",
]);

/** Refreshes the figures on screen a few seconds after activity, once per burst of events. */
export function useLiveFigures(delayMs = 5_000) {
  const client = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useStreamEvents((event) => {
    if (!CHANGES_FIGURES.has(event.kind) || timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void client.invalidateQueries({ queryKey: ["metrics"] });
    }, delayMs);
  });
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
}
