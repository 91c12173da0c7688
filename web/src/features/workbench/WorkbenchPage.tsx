import { ArrowLeftOutlined } from "@ant-design/icons";
import { type InfiniteData, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Flex, Modal, Popconfirm, Space, Typography } from "antd";
import { useCallback, useEffect, useState } from "react";
import { Link, useBlocker, useParams } from "react-router";
import { api, ApiError, unwrap, type Schemas } from "../../api/client";
import { NotFound, problemText, QueryState } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { useDealer, useMe, usePermissions } from "../../session";
import { activeClaim, type InboxPage, type InquiryClaim } from "../inbox/api";
import { useNow } from "../inbox/useNow";
import { type ClaimState, useClaim } from "./claim";
import { percentToBasisPoints } from "./decimal";
import type { UpdateQuoteRequest } from "./edits";
import { workbenchMessages } from "./messages";
import { Workbench } from "./Workbench";

type Quote = Schemas["QuoteResponse"];
type Inquiry = Schemas["InquiryResponse"];

const SEARCH_HITS = 8;

export default function WorkbenchPage() {
  const { id = "" } = useParams();
  const m = useMessages(workbenchMessages);
  const client = useQueryClient();
  const { canSell, canAdmin } = usePermissions();
  const { timeZone, currency } = useDealer();
  const me = useMe();
  const now = useNow(15_000);

  const query = useQuery({
    queryKey: ["inquiry", id],
    queryFn: () => unwrap(api.GET("/v1/inquiries/{id}", { params: { path: { id } } })),
  });
  const inquiry = query.data;
  const customerId = inquiry?.customer.id;
  const customer = useQuery({
    queryKey: ["customer", customerId],
    enabled: customerId !== undefined,
    queryFn: () => unwrap(api.GET("/v1/customers/{id}", { params: { path: { id: customerId ?? "" } } })),
  });
  // An archived customer answers 404: its quote can still be read, not edited.
  const customerGone = customer.error instanceof ApiError && customer.error.isNotFound;

  const draft = inquiry?.quote.status === "draft";
  const claim = useClaim(id, Boolean(inquiry && draft && canSell && !customerGone));
  // Refused a claim: whoever holds it (or the quote's new state) is news to this page.
  const claimKind = claim.state.kind;
  const { refetch } = query;
  useEffect(() => {
    if (claimKind === "other" || claimKind === "failed") void refetch();
  }, [claimKind, refetch]);

  // Opening the inquiry marked it read: say so in the inbox without waiting for a refetch.
  useEffect(() => {
    if (!inquiry) return;
    client.setQueriesData<InfiniteData<InboxPage>>({ queryKey: ["inquiries", "inbox"] }, (data) =>
      data
        ? {
            ...data,
            pages: data.pages.map((p) => ({
              ...p,
              items: p.items.map((i) => (i.id === inquiry.id ? { ...i, read: true } : i)),
            })),
          }
        : data,
    );
  }, [client, inquiry]);

  const [dirty, setDirty] = useState(false);
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);

  const putQuote = useCallback(
    (quote: Quote) => client.setQueryData<Inquiry>(["inquiry", id], (old) => (old ? { ...old, quote, status: quote.status } : old)),
    [client, id],
  );

  const save = useCallback(
    async (body: UpdateQuoteRequest) => {
      const quoteId = inquiry?.quote.id ?? "";
      const saved = await unwrap(api.PATCH("/v1/quotes/{id}", { params: { path: { id: quoteId } }, body }));
      putQuote(saved);
      return saved;
    },
    [inquiry?.quote.id, putQuote],
  );

  const send = useCallback(async () => {
    const quoteId = inquiry?.quote.id ?? "";
    const sent = await unwrap(api.POST("/v1/quotes/{id}/send", { params: { path: { id: quoteId } } }));
    // Sending releases the claim on the server.
    claim.forget();
    setDirty(false);
    putQuote(sent);
    void client.invalidateQueries({ queryKey: ["inquiries"] });
    void client.invalidateQueries({ queryKey: ["quotes"] });
    return sent;
  }, [claim, client, inquiry?.quote.id, putQuote]);

  // The matcher remembers the pairing as wrong for such lines of this dealer; the inquiry is
  // read again so the candidate shows it at once, last and with its reason.
  const markWrong = useCallback(
    async (lineId: string, partId: string) => {
      await unwrap(
        api.POST("/v1/inquiries/{id}/lines/{line_id}/mismatch", {
          params: { path: { id: inquiry?.id ?? "", line_id: lineId } },
          body: { part_id: partId, reason: "wrong_part" },
        }),
      );
      await client.invalidateQueries({ queryKey: ["inquiry", inquiry?.id] });
    },
    [client, inquiry?.id],
  );

  const vin = inquiry?.vehicle?.vin ?? undefined;
  const searchCatalog = useCallback(
    async (q: string) =>
      (await unwrap(api.GET("/v1/search", { params: { query: { q, limit: SEARCH_HITS, vin } } }))).hits,
    [vin],
  );

  if (query.error instanceof ApiError && query.error.status === 400) return <NotFound />;

  return (
    <Flex vertical gap={12}>
      <Flex align="center" gap={12}>
        <Link to="/inquiries">
          <Button type="text" icon={<ArrowLeftOutlined />}>
            {m.back}
          </Button>
        </Link>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {m.title}
        </Typography.Title>
      </Flex>
      <QueryState
        isPending={query.isPending || (customer.isPending && customer.fetchStatus !== "idle")}
        error={query.error ?? (customerGone ? null : customer.error)}
        onRetry={() => {
          void query.refetch();
          void customer.refetch();
        }}
      >
        {() =>
          inquiry ? (
            <Workbench
              key={inquiry.id}
              inquiry={inquiry}
              levelBasisPoints={customer.data ? percentToBasisPoints(customer.data.price_level) : null}
              currency={inquiry.quote.currency || currency}
              timeZone={timeZone}
              readOnly={!draft || !canSell || customerGone || claim.state.kind === "other"}
              banner={
                <ClaimBanner
                  state={claim.state}
                  draft={draft}
                  canSell={canSell}
                  canAdmin={canAdmin}
                  holder={activeClaim(inquiry.claim, now)}
                  myId={me.user.id}
                  onRetry={claim.retry}
                  onTakeOver={claim.takeOver}
                />
              }
              save={save}
              send={send}
              searchCatalog={searchCatalog}
              markWrong={markWrong}
              onDirtyChange={setDirty}
            />
          ) : null
        }
      </QueryState>
      <Modal
        open={blocker.state === "blocked"}
        title={m.unsavedLeave}
        okText={m.leave}
        cancelText={m.stay}
        okButtonProps={{ danger: true }}
        onOk={() => blocker.proceed?.()}
        onCancel={() => blocker.reset?.()}
      />
    </Flex>
  );
}

/** Who is answering the inquiry, and why the page is read-only when it is. */
function ClaimBanner({
  state,
  draft,
  canSell,
  canAdmin,
  holder,
  myId,
  onRetry,
  onTakeOver,
}: {
  state: ClaimState;
  draft: boolean;
  canSell: boolean;
  canAdmin: boolean;
  holder: InquiryClaim | null;
  myId: string;
  onRetry: () => void;
  onTakeOver: () => void;
}) {
  const m = useMessages(workbenchMessages);
  if (!draft) return null;
  if (!canSell) return <Alert type="info" showIcon title={m.noPermission} data-testid="workbench-readonly" />;
  switch (state.kind) {
    case "mine":
      return <Alert type="success" showIcon title={m.claimedByYou} data-testid="workbench-claim-mine" />;
    case "other": {
      const other = holder && holder.user_id !== myId ? holder : null;
      const name = other?.user_name ?? "";
      return (
        <Alert
          type={other ? "warning" : "info"}
          showIcon
          title={other ? fill(m.claimedByOther, { name }) : m.claimReleased}
          data-testid="workbench-claim-other"
          action={
            <Space>
              <Button size="small" onClick={onRetry} data-testid="workbench-claim-retry">
                {m.claimRetry}
              </Button>
              {canAdmin && other ? (
                <Popconfirm title={fill(m.takeOverConfirm, { name })} okText={m.takeOver} onConfirm={onTakeOver}>
                  <Button size="small" danger data-testid="workbench-claim-take-over">
                    {m.takeOver}
                  </Button>
                </Popconfirm>
              ) : null}
            </Space>
          }
        />
      );
    }
    case "failed":
      return (
        <Alert
          type="warning"
          showIcon
          title={fill(m.claimFailed, { error: problemText(state.error) })}
          action={
            <Button size="small" onClick={onRetry}>
              {m.claimRetry}
            </Button>
          }
        />
      );
    default:
      return null;
  }
}
