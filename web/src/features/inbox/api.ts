import { infiniteQueryOptions, type QueryClient, useQuery } from "@tanstack/react-query";
import { api, unwrap, type Schemas } from "../../api/client";
import { filterParams, filterQuery, readFilters, type ListFilters } from "./filters";

/** Who is answering an inquiry; a claim lapses at `expires_at` and is released on send. */
export type InquiryClaim = Schemas["ClaimResponse"];

/** An inquiry in the inbox, with whether the caller has opened it and who is handling it. */
export type InboxItem = Schemas["StaffInquirySummary"];
export type InboxPage = Schemas["StaffInquiryList"];

export const INBOX_PAGE_SIZE = 50;

export function listInquiries(filters: ListFilters, cursor?: string): Promise<InboxPage> {
  return unwrap(
    api.GET("/v1/inquiries", { params: { query: { ...filterQuery(filters), cursor, limit: INBOX_PAGE_SIZE } } }),
  );
}

/** The inbox's pages for these filters. */
export function inboxQuery(filters: ListFilters) {
  return infiniteQueryOptions({
    queryKey: ["inquiries", "inbox", filterParams(filters).toString()],
    queryFn: ({ pageParam }) => listInquiries(filters, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/**
 * Asks for the inbox's first page while the session is still being checked, instead of after:
 * the first screen then waits for one round trip, not two. Signed out, it fails quietly and the
 * log-in page shows.
 */
export function prefetchInbox(client: QueryClient, search: string): Promise<void> {
  return client.prefetchInfiniteQuery(inboxQuery(readFilters(new URLSearchParams(search))));
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
  return query.data?.response_target_minutes ?? DEFAULT_RESPONSE_TARGET_MINUTES;
}
