import { createContext, useCallback, useContext, useEffect, type ReactNode } from "react";
import { type QueryClient, queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { ApiError, rawFetch, setCsrfToken, setUnauthorizedHandler, type Schemas } from "./api/client";

type Role = Schemas["Role"];

/** `GET/POST /v1/auth/session`: the signed-in person, their dealer and the CSRF token. */
export interface BrowserSession {
  csrf_token: string;
  expires_at: string;
  user: Schemas["MeResponse"];
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, sales: 1, admin: 2, owner: 3 };

export interface SessionValue {
  session: BrowserSession | null;
  loading: boolean;
  login: (email: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/**
 * Drops everything cached for the previous person, keeping the session query itself (its
 * observer must stay subscribed, so it is updated rather than removed).
 */
function forgetDealerData(client: QueryClient) {
  client.removeQueries({ predicate: (query) => query.queryKey[0] !== "session" });
}

async function probe(): Promise<BrowserSession | null> {
  try {
    const response = await rawFetch("/v1/auth/session");
    return (await response.json()) as BrowserSession;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

/** Who is signed in: asked once at start-up, then kept up to date by log-in, log-out and 401s. */
export const sessionQuery = queryOptions({ queryKey: ["session"], queryFn: probe, staleTime: Infinity, retry: false });

export function SessionProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const query = useQuery(sessionQuery);
  const session = query.data ?? null;

  useEffect(() => {
    setCsrfToken(session?.csrf_token ?? null);
  }, [session]);

  useEffect(() => {
    // Any 401 means the session ended (logged out elsewhere, password changed, a day passed).
    setUnauthorizedHandler(() => {
      setCsrfToken(null);
      forgetDealerData(client);
      client.setQueryData(["session"], null);
    });
    return () => setUnauthorizedHandler(null);
  }, [client]);

  const login = useCallback(
    async (email: string, password: string) => {
      const response = await rawFetch("/v1/auth/session", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }),
      });
      const next = (await response.json()) as BrowserSession;
      setCsrfToken(next.csrf_token);
      forgetDealerData(client);
      client.setQueryData(["session"], next);
    },
    [client],
  );

  const logout = useCallback(async () => {
    try {
      await rawFetch("/v1/auth/session", { method: "DELETE" });
    } finally {
      setCsrfToken(null);
      forgetDealerData(client);
      client.setQueryData(["session"], null);
    }
  }, [client]);

  return (
    <SessionContext.Provider value={{ session, loading: query.isPending, login, logout }}>
      {children}
    </SessionContext.Provider>
  );
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}

/** The signed-in person's profile and dealer; only for screens behind the log-in. */
export function useMe() {
  const { session } = useSession();
  if (!session) throw new Error("useMe without a session");
  return session.user;
}

/**
 * What the signed-in role may do, mirroring the server's permission table; the server checks
 * again, this only hides buttons that would be refused.
 */
export function usePermissions() {
  const me = useMe();
  const rank = ROLE_RANK[me.user.role];
  return {
    role: me.user.role,
    /** Edit, send and cancel quotes; create and edit customers; act on reminders. */
    canSell: rank >= ROLE_RANK.sales,
    /** Catalog writes, API keys, settings, webhooks, staff. */
    canAdmin: rank >= ROLE_RANK.admin,
    isOwner: me.user.role === "owner",
  };
}

/** The dealer's time zone and currency, for formatting. */
export function useDealer() {
  const me = useMe();
  return { timeZone: me.tenant.time_zone, currency: me.tenant.currency, name: me.tenant.name };
}
