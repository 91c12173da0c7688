import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];

/** A problem+json answer (RFC 9457) the console shows to the person, with the field at fault. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Partial<Problem>;

  constructor(status: number, problem: Partial<Problem>) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }

  get code(): string | undefined {
    return this.problem.code;
  }

  get isNotFound(): boolean {
    return this.status === 404;
  }
}

/**
 * The session cookie is HttpOnly, so page scripts never hold a credential; the CSRF token that
 * must accompany every change is kept in memory only and recovered from `GET /v1/auth/session`
 * after a reload.
 */
let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

export function setUnauthorizedHandler(handler: (() => void) | null) {
  onUnauthorized = handler;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

const session: Middleware = {
  onRequest({ request }) {
    if (csrfToken && !SAFE_METHODS.has(request.method.toUpperCase())) {
      request.headers.set("X-CSRF-Token", csrfToken);
    }
    return request;
  },
  onResponse({ response, request }) {
    // The session probe itself answers 401 when nobody is signed in; that is not an expiry.
    if (response.status === 401 && !request.url.endsWith("/v1/auth/session")) {
      onUnauthorized?.();
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: "", credentials: "same-origin" });
api.use(session);

/**
 * Turns openapi-fetch's `{data, error, response}` into the data or a thrown [`ApiError`], so
 * query and mutation functions read as plain async code.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    const problem = (typeof error === "object" && error !== null ? error : {}) as Partial<Problem>;
    throw new ApiError(response.status, problem);
  }
  return data as T;
}

/**
 * `unwrap` for operations that also answer CSV (on `Accept: text/csv`): the console asks them
 * for JSON, so a text body means the server and this client disagree.
 */
export async function unwrapJson<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Exclude<T, string>> {
  const data = await unwrap(call);
  if (typeof data === "string") throw new Error(`${(await call).response.url} answered text to a JSON request`);
  return data as Exclude<T, string>;
}

/** For bodies openapi-fetch does not parse (CSV downloads, uploads with progress). */
export async function rawFetch(input: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const method = (init.method ?? "GET").toUpperCase();
  if (csrfToken && !SAFE_METHODS.has(method)) headers.set("X-CSRF-Token", csrfToken);
  const response = await fetch(input, { ...init, headers, credentials: "same-origin" });
  if (response.status === 401) onUnauthorized?.();
  if (!response.ok) {
    let problem: Partial<Problem> = {};
    try {
      problem = await response.json();
    } catch {
      // Not a problem document; the status says enough.
    }
    throw new ApiError(response.status, problem);
  }
  return response;
}

export function csrfHeader(): Record<string, string> {
  return csrfToken ? { "X-CSRF-Token": csrfToken } : {};
}
