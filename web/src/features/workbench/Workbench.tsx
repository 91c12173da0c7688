import { Alert, App, Button, type ButtonProps, Descriptions, Flex, Input, Modal, Space, Tag, Typography } from "antd";
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { ApiError, type Schemas } from "../../api/client";
import { problemText } from "../../components/QueryState";
import { fill, useMessages } from "../../i18n";
import { formatDateTime, formatMoney } from "../../lib/format";
import { isTypingTarget, overlayOpen } from "../../lib/keys";
import { QuoteStatusTag } from "../quotes/status";
import {
  buildUpdate,
  changedLines,
  checkQuote,
  initialState,
  isDirty,
  type LineState,
  offerFromCandidate,
  offerFromPart,
  type PlacedErrors,
  placeErrors,
  propose,
  type QuoteState,
  quoteTotal,
  setNote,
  setPrice,
  setQuantity,
  toggleUnavailable,
  type UpdateQuoteRequest,
} from "./edits";
import { commandFor } from "./keymap";
import { type FocusField, LineCard } from "./LineCard";
import { workbenchMessages } from "./messages";
import "./workbench.css";

type Inquiry = Schemas["InquiryResponse"];
type Quote = Schemas["QuoteResponse"];
type Hit = Schemas["SearchHit"];

export interface WorkbenchProps {
  inquiry: Inquiry;
  /**
   * The customer's price level in basis points (1250 = 12.5 % off list); `null` when the
   * customer can no longer be read (archived), and its prices are then not shown.
   */
  levelBasisPoints: number | null;
  currency: string;
  timeZone: string;
  /** Not a draft any more, a role that may not sell, or a colleague holds the claim. */
  readOnly: boolean;
  /** Shown above the lines (who is handling the inquiry). */
  banner?: ReactNode;
  save: (body: UpdateQuoteRequest) => Promise<Quote>;
  send: () => Promise<Quote>;
  searchCatalog: (q: string) => Promise<Hit[]>;
  /** Records a candidate as the wrong part for lines written like this one. */
  markWrong?: (inquiryLineId: string, partId: string) => Promise<void>;
  onDirtyChange?: (dirty: boolean) => void;
}

const EMPTY_ERRORS: PlacedErrors = { lines: {}, other: [] };

/** A line still needs a person: nothing offered yet, or the matcher was unsure. */
function needsAttention(state: LineState, confidence: string | null | undefined): boolean {
  return state.status === "no_offer" || (state.status === "offered" && (confidence === "low" || confidence === "none"));
}

/**
 * The quote workbench: every line of an inquiry with its candidates, edited from the keyboard
 * (see `keymap.ts`) and sent in one go.
 */
export function Workbench(props: WorkbenchProps) {
  const { inquiry, currency, timeZone, readOnly } = props;
  const levelBasisPoints = props.levelBasisPoints ?? 0;
  const quote = inquiry.quote;
  const m = useMessages(workbenchMessages);
  const { message } = App.useApp();
  const order = useMemo(() => quote.lines.map((l) => l.id), [quote.lines]);
  const inquiryLines = useMemo(() => new Map(inquiry.lines.map((l) => [l.id, l])), [inquiry.lines]);

  const base = useMemo(() => initialState(quote), [quote]);
  const [edited, setEdited] = useState<QuoteState>(base);
  const lastBase = useRef(base);
  useEffect(() => {
    // A fresh copy from the server replaces the edits only when there are none to lose.
    setEdited((current) => (isDirty(lastBase.current, current, order) ? current : base));
    lastBase.current = base;
  }, [base, order]);

  const changed = useMemo(() => new Set(changedLines(base, edited, order)), [base, edited, order]);
  const dirty = changed.size > 0 || base.note !== edited.note;
  const { onDirtyChange } = props;
  useEffect(() => onDirtyChange?.(dirty && !readOnly), [dirty, readOnly, onDirtyChange]);

  const [active, setActive] = useState(() => {
    const first = quote.lines.findIndex((l) => needsAttention(base.lines[l.id], l.confidence));
    return Math.max(0, first);
  });
  const [focus, setFocus] = useState<{ field: FocusField; nonce: number } | null>(null);
  const [searching, setSearching] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [showProblems, setShowProblems] = useState(false);
  const [placed, setPlaced] = useState<PlacedErrors>(EMPTY_ERRORS);
  const container = useRef<HTMLDivElement>(null);
  const nonce = useRef(0);

  const problems = useMemo(
    () => (showProblems ? checkQuote(edited, levelBasisPoints) : {}),
    [showProblems, edited, levelBasisPoints],
  );

  const activeLine = quote.lines[active];

  const updateLine = useCallback((id: string, change: (line: LineState) => LineState) => {
    setEdited((s) => ({ ...s, lines: { ...s.lines, [id]: change(s.lines[id]) } }));
    setPlaced((p) => {
      if (!p.lines[id]) return p;
      const lines = { ...p.lines };
      delete lines[id];
      return { ...p, lines };
    });
  }, []);

  const requestFocus = (field: FocusField) => {
    nonce.current += 1;
    setFocus({ field, nonce: nonce.current });
  };

  const giveBackKeys = () => {
    setFocus(null);
    container.current?.focus({ preventScroll: true });
  };

  const moveTo = useCallback(
    (index: number) => {
      const next = Math.max(0, Math.min(quote.lines.length - 1, index));
      setActive(next);
      setSearching(null);
      setFocus(null);
      const line = quote.lines[next];
      if (line) {
        document
          .querySelector(`[data-testid="workbench-line-${line.position}"]`)
          ?.scrollIntoView?.({ block: "nearest" });
      }
    },
    [quote.lines],
  );

  /** After answering a line from the catalog, on to the next one that needs a person. */
  const advanceFrom = (index: number, state: QuoteState) => {
    const next = quote.lines.findIndex(
      (l, i) => i > index && needsAttention(state.lines[l.id], l.confidence) && !changed.has(l.id),
    );
    if (next >= 0) {
      moveTo(next);
      // An unanswered line's next step is the catalog: the search takes the keys at once.
      if (state.lines[quote.lines[next].id].status === "no_offer") {
        setSearching(quote.lines[next].id);
        requestFocus("search");
      }
    } else {
      setSearching(null);
      giveBackKeys();
    }
  };

  const pickHit = (hit: Hit) => {
    if (!activeLine) return;
    const id = activeLine.id;
    const quantity = edited.lines[id].offers[0]?.quantity ?? activeLine.requested_quantity;
    const updated = propose(edited.lines[id], offerFromPart(hit.part, quantity));
    updateLine(id, () => updated);
    if (hit.part.price === null || hit.part.price === undefined) {
      // No list price: the clerk must name one before anything else.
      setSearching(null);
      requestFocus("price");
      return;
    }
    advanceFrom(active, { ...edited, lines: { ...edited.lines, [id]: updated } });
  };

  const save = async (): Promise<boolean> => {
    const update = buildUpdate(base, edited, order);
    if (!update) return true;
    try {
      const saved = await props.save(update.body);
      lastBase.current = initialState(saved);
      setEdited(lastBase.current);
      setPlaced(EMPTY_ERRORS);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors && error.problem.errors.length > 0) {
        const where = placeErrors(error.problem.errors, update.lineIds);
        setPlaced(where);
        const first = quote.lines.findIndex((l) => where.lines[l.id]);
        if (first >= 0) moveTo(first);
      }
      message.error(problemText(error));
      return false;
    }
  };

  const requestSend = () => {
    const found = checkQuote(edited, levelBasisPoints);
    const first = quote.lines.findIndex((l) => found[l.id]);
    if (first >= 0) {
      setShowProblems(true);
      moveTo(first);
      message.error(m.fixFirst);
      return;
    }
    setConfirming(true);
  };

  const doSend = async () => {
    if (busy) return;
    setBusy(true);
    try {
      if (!(await save())) return;
      await props.send();
      message.success(m.sentOk);
    } catch (error) {
      message.error(problemText(error));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  const doSave = async () => {
    if (busy) return;
    setBusy(true);
    try {
      if (await save()) message.success(m.saved);
    } finally {
      setBusy(false);
    }
  };

  // The keyboard: one listener for the whole screen; fields handle their own keys.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isTypingTarget(event.target)) return;
      if (!confirming && overlayOpen()) return;
      const command = commandFor(event, { confirming, readOnly });
      if (!command) return;
      event.preventDefault();
      const line = activeLine;
      const state = line ? edited.lines[line.id] : undefined;
      switch (command.kind) {
        case "next":
          moveTo(active + 1);
          break;
        case "previous":
          moveTo(active - 1);
          break;
        case "first":
          moveTo(0);
          break;
        case "last":
          moveTo(quote.lines.length - 1);
          break;
        case "pick": {
          const candidate = line && inquiryLines.get(line.inquiry_line_id)?.candidates[command.index];
          if (!line || !candidate) break;
          const quantity = state?.offers[0]?.quantity ?? line.requested_quantity;
          updateLine(line.id, (l) => propose(l, offerFromCandidate(candidate, quantity)));
          if (!candidate.list_price) requestFocus("price");
          break;
        }
        case "price":
        case "quantity":
          if (state?.status === "offered" && state.offers.length > 0) requestFocus(command.kind);
          else if (line) {
            setSearching(line.id);
            requestFocus("search");
          }
          break;
        case "unavailable":
          if (line) updateLine(line.id, toggleUnavailable);
          break;
        case "search":
          if (line) {
            setSearching(line.id);
            requestFocus("search");
          }
          break;
        case "note":
          requestFocus("note");
          break;
        case "send":
          requestSend();
          break;
        case "confirm":
          void doSend();
          break;
        case "dismiss":
          if (confirming) setConfirming(false);
          else setSearching(null);
          break;
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const counts = useMemo(() => {
    let offered = 0;
    let unavailable = 0;
    let none = 0;
    for (const line of Object.values(edited.lines)) {
      if (line.status === "offered") offered += 1;
      else if (line.status === "unavailable") unavailable += 1;
      else none += 1;
    }
    return { offered, unavailable, none };
  }, [edited]);
  const total = readOnly ? quote.total : quoteTotal(edited, levelBasisPoints);
  const vehicle = inquiry.vehicle;
  const vehicleText = vehicle
    ? [vehicle.make, vehicle.model, vehicle.year, vehicle.engine].filter((v) => v !== null && v !== undefined).join(" ")
    : "";

  return (
    <div ref={container} tabIndex={-1} className="wb" data-testid="workbench">
      <Flex vertical gap={12}>
        <Descriptions
          size="small"
          column={{ xs: 1, md: 2, xl: 4 }}
          items={[
            {
              key: "customer",
              label: m.customer,
              children: <Link to={`/customers/${inquiry.customer.id}`}>{inquiry.customer.name}</Link>,
            },
            {
              key: "reference",
              label: m.reference,
              children:
                inquiry.origin === "reminder" ? (
                  <span data-testid="workbench-proactive">
                    <Tag color="purple">{m.proactive}</Tag>
                    {quote.note}
                  </span>
                ) : (
                  (inquiry.reference ?? "—")
                ),
            },
            { key: "received", label: m.received, children: formatDateTime(inquiry.received_at, timeZone) },
            {
              key: "status",
              label: m.statusNow,
              children: <QuoteStatusTag status={quote.status} testId="workbench-status" />,
            },
            ...(vehicle
              ? [
                  {
                    key: "vehicle",
                    label: m.vehicle,
                    children: (
                      <span>
                        {vehicleText || "—"}
                        {vehicle.vin ? <Typography.Text code style={{ marginLeft: 8 }}>{vehicle.vin}</Typography.Text> : null}
                      </span>
                    ),
                  },
                ]
              : []),
          ]}
        />
        {inquiry.warnings.length > 0 ? (
          <Alert type="info" showIcon title={m.warnings} description={inquiry.warnings.join("；")} />
        ) : null}
        {quote.status !== "draft" ? <SentState quote={quote} timeZone={timeZone} /> : null}
        {props.banner}
        {placed.other.length > 0 ? (
          <Alert type="error" showIcon title={m.otherErrors} description={placed.other.join("；")} />
        ) : null}
        {!readOnly ? <Typography.Text type="secondary">{m.keysHelp}</Typography.Text> : null}

        <div className="wb-lines">
          {quote.lines.map((line, index) => (
            <LineCard
              key={line.id}
              quoteLine={line}
              inquiryLine={inquiryLines.get(line.inquiry_line_id)}
              state={edited.lines[line.id]}
              active={index === active}
              readOnly={readOnly}
              changed={changed.has(line.id)}
              problem={problems[line.id]}
              serverErrors={placed.lines[line.id]}
              focus={index === active ? focus : null}
              searching={searching === line.id}
              currency={currency}
              levelBasisPoints={levelBasisPoints}
              customerPrices={props.levelBasisPoints !== null}
              search={props.searchCatalog}
              onActivate={() => moveTo(index)}
              onPickCandidate={(c) =>
                updateLine(line.id, (l) =>
                  propose(l, offerFromCandidate(c, l.offers[0]?.quantity ?? line.requested_quantity)),
                )
              }
              onPickHit={pickHit}
              onMarkWrong={props.markWrong ? (c) => props.markWrong?.(line.inquiry_line_id, c.part_id) : undefined}
              onPrice={(price) => updateLine(line.id, (l) => setPrice(l, price))}
              onQuantity={(quantity) => updateLine(line.id, (l) => setQuantity(l, quantity))}
              onToggleUnavailable={() => updateLine(line.id, toggleUnavailable)}
              onNote={(note) => updateLine(line.id, (l) => setNote(l, note))}
              onSearch={() => {
                setSearching(line.id);
                requestFocus("search");
              }}
              onLeaveField={giveBackKeys}
            />
          ))}
        </div>

        <div className="wb-footer">
          <Flex justify="space-between" align="center" gap={16} wrap>
            <Space size="large" wrap>
              <span>
                {m.total}{" "}
                <Typography.Text strong style={{ fontSize: 18 }} data-testid="workbench-total">
                  {formatMoney(total, currency)}
                </Typography.Text>
                {dirty && !readOnly ? (
                  <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                    ({m.totalPending})
                  </Typography.Text>
                ) : null}
              </span>
              <Tag color="green">{fill(m.offeredCount, { n: counts.offered })}</Tag>
              {counts.unavailable > 0 ? <Tag>{fill(m.unavailableCount, { n: counts.unavailable })}</Tag> : null}
              {counts.none > 0 ? <Tag color="red">{fill(m.noOfferCount, { n: counts.none })}</Tag> : null}
            </Space>
            {!readOnly ? (
              <Space>
                <Button onClick={doSave} disabled={!dirty} loading={busy && !confirming} data-testid="workbench-save">
                  {m.save}
                </Button>
                <Button type="primary" onClick={requestSend} loading={busy && confirming} data-testid="workbench-send">
                  {m.send} <Typography.Text keyboard style={{ color: "inherit" }}>S</Typography.Text>
                </Button>
              </Space>
            ) : null}
          </Flex>
          {!readOnly || quote.note ? (
            <Flex align="center" gap={8} style={{ marginTop: 8 }}>
              <Typography.Text type="secondary" style={{ whiteSpace: "nowrap" }}>
                {m.quoteNote}
              </Typography.Text>
              {readOnly ? (
                <Typography.Text>{quote.note}</Typography.Text>
              ) : (
                <Input
                  value={edited.note ?? ""}
                  placeholder={m.quoteNotePlaceholder}
                  status={placed.note ? "error" : undefined}
                  onChange={(e) => setEdited((s) => ({ ...s, note: e.target.value.trim() === "" ? null : e.target.value }))}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" || e.key === "Escape") {
                      e.preventDefault();
                      giveBackKeys();
                    }
                  }}
                  data-testid="workbench-quote-note"
                />
              )}
              {placed.note ? <Typography.Text type="danger">{placed.note}</Typography.Text> : null}
            </Flex>
          ) : null}
        </div>
      </Flex>

      <Modal
        open={confirming}
        title={fill(m.sendTitle, { customer: inquiry.customer.name })}
        okText={m.confirmSend}
        onOk={() => void doSend()}
        onCancel={() => setConfirming(false)}
        confirmLoading={busy}
        okButtonProps={{ "data-testid": "workbench-confirm-send" } as ButtonProps}
        destroyOnHidden
      >
        <p>
          {fill(m.sendBody, {
            lines: quote.lines.length,
            offered: counts.offered,
            other: counts.unavailable + counts.none,
            total: formatMoney(total, currency),
          })}
        </p>
        <Typography.Text type="secondary">{m.sendKeys}</Typography.Text>
      </Modal>
    </div>
  );
}

/** What became of a quote that is no longer a draft, with the way to its quote and order. */
function SentState({ quote, timeZone }: { quote: Quote; timeZone: string }) {
  const m = useMessages(workbenchMessages);
  return (
    <Alert
      type={quote.status === "cancelled" || quote.status === "rejected" || quote.status === "expired" ? "warning" : "success"}
      showIcon
      data-testid="workbench-sent"
      title={
        <Space wrap>
          <QuoteStatusTag status={quote.status} />
          {quote.sent_at ? fill(m.sentState, { at: formatDateTime(quote.sent_at, timeZone) }) : null}
          {quote.valid_until ? fill(m.validUntil, { at: formatDateTime(quote.valid_until, timeZone) }) : null}
          {quote.auto_sent ? <Tag>{m.autoSent}</Tag> : null}
          {quote.proactive ? <Tag color="purple">{m.proactive}</Tag> : null}
        </Space>
      }
      action={
        <Space>
          <Link to={`/quotes/${quote.id}`} data-testid="workbench-open-quote">
            {m.openQuote}
          </Link>
          {quote.order_id ? (
            <Link to={`/orders/${quote.order_id}`} data-testid="workbench-open-order">
              {m.openOrder}
            </Link>
          ) : null}
        </Space>
      }
    />
  );
}
