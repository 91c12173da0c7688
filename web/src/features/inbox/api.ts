import { useQuery } from "@tanstack/react-query";
import { api, rawFetch, unwrap, type Schemas } from "../../api/client";
import { filterParams, type ListFilters } from "./filters";

/** Who is answering an inquiry; a claim lapses at `expires_at` and is released on send. */
export interface InquiryClaim {
  user_id: string;
  user_name: string;
  claimed_at: string;
  expires_at: string;
}

/** An inquiry in the inbox, with whether the caller has opened it and who is handling it. */
export type InboxItem = Schemas["InquirySummary"] & {
  customer_name?: string;
  claim?: InquiryClaim | null;
  read?: boolean;
};

export interface InboxPage {
  items: InboxItem[];
  next_cursor?: string | null;
}

export const INBOX_PAGE_SIZE = 50;

export async function listInquiries(filters: ListFilters, cursor?: string): Promise<InboxPage> {
  const params = filterParams(filters, { cursor, limit: INBOX_PAGE_SIZE });
  const response = await rawFetch(`/v1/inquiries?${params}`);
  return (await response.json()) as InboxPage;
}

/** A claim is shown only until it lapses, even if no release event arrives. */
export function activeClaim(claim: InquiryClaim | null | undefined, nowMs: number): InquiryClaim | null {
  if (!claim) return null;
  return Date.parse(claim.expires_at) > nowMs ? claim : null;
}

export const DEFAULT_RESPONSE_TARGET_MINUTES = 15;

/** The dealer's response target in minutes (`response_target_minutes`, 15 unless set). */
export function useResponseTarget(): number {
  const query = useQuery({
    queryKey: ["settings"],
    queryFn: () => unwrap(api.GET("/v1/settings")),
    staleTime: 5 * 60_000,
  });
  const settings = query.data as (Schemas["SettingsResponse"] & { response_target_minutes?: number }) | undefined;
  return settings?.response_target_minutes ?? DEFAULT_RESPONSE_TARGET_MINUTES;
}
