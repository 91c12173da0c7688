import { useCallback, useEffect, useRef, useState } from "react";
import { api, ApiError, rawFetch, unwrap } from "../../api/client";
import type { InquiryClaim } from "../inbox/api";

export type ClaimState =
  | { kind: "idle" }
  | { kind: "claiming" }
  | { kind: "mine"; claim: InquiryClaim }
  | { kind: "other" }
  | { kind: "failed"; error: unknown };

/** Claims lapse after 15 minutes; an open workbench renews well before. */
const RENEW_MS = 5 * 60_000;

/**
 * Holds the claim on an inquiry while its workbench is open, so colleagues see who is answering
 * it and do not answer it too: claimed on open, renewed while open, released on leaving (also
 * when the tab closes). A quote that stopped being a draft cannot be claimed (`idle`).
 * `forget` is for after sending, which releases the claim on the server.
 */
export function useClaim(inquiryId: string, wanted: boolean) {
  const [state, setState] = useState<ClaimState>({ kind: "idle" });
  const [attempt, setAttempt] = useState(0);
  const held = useRef(false);
  const current = useRef(0);
  const generations = useRef(0);
  // Claim and release requests go out one after another, so a quick leave-and-return cannot
  // have a release overtake the claim that follows it.
  const chain = useRef<Promise<unknown>>(Promise.resolve());

  const enqueue = useCallback(<T,>(request: () => Promise<T>): Promise<T> => {
    const next = chain.current.then(request, request);
    chain.current = next.catch(() => undefined);
    return next;
  }, []);

  const release = useCallback(() => {
    if (!held.current) return;
    held.current = false;
    void enqueue(() => rawFetch(`/v1/inquiries/${inquiryId}/claim`, { method: "DELETE", keepalive: true })).catch(
      () => undefined,
    );
  }, [enqueue, inquiryId]);

  useEffect(() => {
    if (!wanted) {
      setState({ kind: "idle" });
      return;
    }
    generations.current += 1;
    const generation = generations.current;
    current.current = generation;
    setState((s) => (s.kind === "mine" ? s : { kind: "claiming" }));
    const claim = () =>
      enqueue(() => unwrap(api.POST("/v1/inquiries/{id}/claim", { params: { path: { id: inquiryId } } }))).then(
          (claimed) => {
            held.current = true;
            if (current.current === generation) setState({ kind: "mine", claim: claimed });
            else if (current.current === 0) release();
          },
          (error: unknown) => {
            if (current.current !== generation) return;
            held.current = false;
            if (error instanceof ApiError && error.code === "already_claimed") setState({ kind: "other" });
            else if (error instanceof ApiError && error.code === "not_claimable") setState({ kind: "idle" });
            else setState({ kind: "failed", error });
          },
        );
    void claim();
    const renew = window.setInterval(() => {
      if (held.current) void claim();
    }, RENEW_MS);
    window.addEventListener("pagehide", release);
    return () => {
      if (current.current === generation) current.current = 0;
      window.clearInterval(renew);
      window.removeEventListener("pagehide", release);
      release();
    };
  }, [inquiryId, wanted, attempt, enqueue, release]);

  const retry = useCallback(() => setAttempt((a) => a + 1), []);
  /** An admin or the owner takes the inquiry off a colleague who holds it. */
  const takeOver = useCallback(() => {
    void enqueue(() => unwrap(api.DELETE("/v1/inquiries/{id}/claim", { params: { path: { id: inquiryId } } })))
      .catch(() => undefined)
      .then(() => setAttempt((a) => a + 1));
  }, [enqueue, inquiryId]);
  const forget = useCallback(() => {
    held.current = false;
  }, []);
  return { state, retry, takeOver, forget };
}
