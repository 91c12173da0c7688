import { CheckCircleFilled, QuestionCircleOutlined } from "@ant-design/icons";
import {
  Button,
  Flex,
  Input,
  type InputRef,
  Popconfirm,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
  type TableColumnsType,
} from "antd";
import { type HTMLAttributes, useEffect, useRef, useState } from "react";
import type { Schemas } from "../../api/client";
import { fill, useMessages } from "../../i18n";
import { formatMoney } from "../../lib/format";
import { CatalogSearch } from "./CatalogSearch";
import { ConfidenceTag } from "./ConfidenceTag";
import { checkPrice, discounted, type PriceProblem } from "./decimal";
import {
  backorder,
  type FieldSlot,
  type LineProblem,
  type LineState,
  offerPrice,
  offerTotal,
  QUANTITY_MAX,
} from "./edits";
import { Matched, matchedLabel, Reason } from "./Matched";
import { workbenchMessages } from "./messages";

type QuoteLine = Schemas["QuoteLineResponse"];
type InquiryLine = Schemas["InquiryLineResponse"];
type Candidate = Schemas["Candidate"];
type Hit = Schemas["SearchHit"];
type Messages = (typeof workbenchMessages)["zh-CN"];

export type FocusField = "price" | "quantity" | "note" | "search";

function priceProblemText(m: Messages, problem: PriceProblem | LineProblem): string {
  switch (problem) {
    case "required":
    case "price_required":
      return m.priceRequired;
    case "decimals":
      return m.priceDecimals;
    case "too_large":
      return m.priceTooLarge;
    case "price_invalid":
      return m.priceInvalid;
    case "quantity_invalid":
      return m.quantityInvalid;
    default:
      return m.priceFormat;
  }
}

/**
 * A text field that commits on Enter (when `accept` takes the text) and gives up on Esc; both
 * hand the keyboard back to the workbench.
 */
function CommitInput({
  initial,
  accept,
  onDone,
  focusSignal,
  testId,
  width,
  placeholder,
  error,
  label,
}: {
  initial: string;
  accept: (text: string) => string | null;
  onDone: () => void;
  focusSignal: number;
  testId: string;
  width: number | string;
  placeholder?: string;
  error?: string;
  label: string;
}) {
  const [text, setText] = useState(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const ref = useRef<InputRef>(null);
  useEffect(() => setText(initial), [initial]);
  useEffect(() => {
    if (focusSignal > 0) {
      ref.current?.focus();
      ref.current?.select();
    }
  }, [focusSignal]);
  const shown = problem ?? error;
  return (
    <Tooltip title={shown} open={Boolean(shown)} color="red">
      <Input
        ref={ref}
        size="small"
        value={text}
        status={shown ? "error" : undefined}
        placeholder={placeholder}
        aria-label={label}
        aria-invalid={shown ? true : undefined}
        style={{ width }}
        data-testid={testId}
        onChange={(e) => {
          setText(e.target.value);
          setProblem(null);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter") {
            e.preventDefault();
            if (text === initial) {
              onDone();
              return;
            }
            const refused = accept(text);
            setProblem(refused);
            if (refused === null) onDone();
          } else if (e.key === "Escape") {
            e.preventDefault();
            setText(initial);
            setProblem(null);
            onDone();
          }
        }}
        onBlur={() => {
          if (text !== initial && accept(text) !== null) setText(initial);
          setProblem(null);
        }}
      />
    </Tooltip>
  );
}

export interface LineCardProps {
  quoteLine: QuoteLine;
  inquiryLine: InquiryLine | undefined;
  state: LineState;
  active: boolean;
  readOnly: boolean;
  changed: boolean;
  problem?: LineProblem;
  serverErrors?: Partial<Record<FieldSlot, string>>;
  focus: { field: FocusField; nonce: number } | null;
  searching: boolean;
  currency: string;
  levelBasisPoints: number;
  /** Whether the customer's price level is known. */
  customerPrices: boolean;
  search: (q: string) => Promise<Hit[]>;
  onActivate: () => void;
  onPickCandidate: (candidate: Candidate) => void;
  onPickHit: (hit: Hit) => void;
  /** Marks a candidate as the wrong part for lines like this one (absent: not allowed). */
  onMarkWrong?: (candidate: Candidate) => Promise<void> | undefined;
  onPrice: (price: string) => void;
  onQuantity: (quantity: number) => void;
  onToggleUnavailable: () => void;
  onNote: (note: string) => void;
  onSearch: () => void;
  onLeaveField: () => void;
}

/**
 * What the dealer's people taught the matcher about this part for lines like this one: staff
 * chose it before (confirmed), or it was returned or marked as the wrong part (demoted, with
 * the reason the server gives).
 */
function MemoryTags({ candidate, m }: { candidate: Candidate; m: Messages }) {
  if (candidate.demoted_reason) {
    return (
      <Tooltip title={candidate.demoted_reason}>
        <Tag color="red" data-testid={`workbench-demoted-${candidate.part_id}`}>
          {m.demoted}
        </Tag>
      </Tooltip>
    );
  }
  if (candidate.confirmed_count) {
    return (
      <Tag color="green" data-testid={`workbench-confirmed-${candidate.part_id}`}>
        {fill(m.confirmedCount, { n: candidate.confirmed_count })}
      </Tag>
    );
  }
  return null;
}

/** One line of the inquiry: what the shop asked, what is offered, the candidates, the search. */
export function LineCard(props: LineCardProps) {
  const { quoteLine, inquiryLine, state, active, readOnly, currency, levelBasisPoints } = props;
  const m = useMessages(workbenchMessages);
  const proposal = state.status === "offered" ? state.offers[0] : undefined;
  const candidates = inquiryLine?.candidates ?? [];
  const signal = (field: FocusField) => (props.focus?.field === field ? props.focus.nonce : 0);
  const noteOpen = state.note !== null || props.focus?.field === "note" || props.serverErrors?.note !== undefined;
  const showSearch = active && !readOnly && (props.searching || state.status === "no_offer");
  const priceError =
    props.serverErrors?.price ??
    (props.problem && props.problem !== "quantity_invalid" ? priceProblemText(m, props.problem) : undefined);
  const quantityError =
    props.serverErrors?.quantity ?? (props.problem === "quantity_invalid" ? m.quantityInvalid : undefined);

  const statusTag =
    state.status === "offered" ? null : (
      <Tag color={state.status === "unavailable" ? "default" : "red"} data-testid={`workbench-line-status-${quoteLine.position}`}>
        {state.status === "unavailable" ? m.status_unavailable : m.status_no_offer}
      </Tag>
    );

  const customerPriceColumn: TableColumnsType<Candidate>[number] = {
    key: "price",
    title: m.customerPrice,
    width: 100,
    align: "right",
    render: (_, c) => {
      const price = c.list_price ? discounted(c.list_price, levelBasisPoints) : null;
      return price ? <Typography.Text strong>{formatMoney(price, currency)}</Typography.Text> : "—";
    },
  };

  const columns: TableColumnsType<Candidate> = [
    {
      key: "n",
      width: 36,
      render: (_, _c, i) => <Typography.Text keyboard>{i + 1}</Typography.Text>,
    },
    { key: "confidence", width: 72, render: (_, c) => <ConfidenceTag confidence={c.confidence} /> },
    {
      key: "part",
      title: m.candidates,
      render: (_, c) => (
        <span>
          {c.brand ? <Tag>{c.brand}</Tag> : null}
          {c.name} <Typography.Text type="secondary">{c.sku}</Typography.Text>
        </span>
      ),
    },
    {
      key: "matched",
      title: m.matchedOn,
      render: (_, c) => (
        <Flex vertical gap={2}>
          <span>
            <Matched kind={c.matched_on} value={c.matched_value} label={matchedLabel(m, c.matched_on)} />
            {c.fits_vehicle === true ? (
              <Tooltip title={m.fitsVehicle}>
                <CheckCircleFilled style={{ color: "#52c41a", marginLeft: 4 }} aria-label={m.fitsVehicle} />
              </Tooltip>
            ) : c.fits_vehicle === false ? (
              <Tooltip title={m.notFitting}>
                <QuestionCircleOutlined style={{ color: "#faad14", marginLeft: 4 }} aria-label={m.notFitting} />
              </Tooltip>
            ) : null}
          </span>
          <Reason text={c.reason} value={c.matched_value} />
          <MemoryTags candidate={c} m={m} />
        </Flex>
      ),
    },
    {
      key: "stock",
      title: m.stockColumn,
      width: 90,
      render: (_, c) =>
        c.stock > 0 ? fill(m.stock, { n: c.stock }) : <Typography.Text type="danger">{m.outOfStock}</Typography.Text>,
    },
    {
      key: "list",
      title: m.listPrice,
      width: 100,
      align: "right",
      render: (_, c) => (c.list_price ? formatMoney(c.list_price, currency) : <Typography.Text type="secondary">{m.noPrice}</Typography.Text>),
    },
    ...(props.customerPrices ? [customerPriceColumn] : []),
    {
      key: "action",
      width: 150,
      render: (_, c) => (
        <Space size={4}>
          {proposal?.partId === c.part_id ? (
            <Tag color="blue">{m.current}</Tag>
          ) : readOnly ? null : (
            <Button size="small" onClick={() => props.onPickCandidate(c)}>
              {m.pick}
            </Button>
          )}
          {!readOnly && props.onMarkWrong && !c.demoted_reason ? (
            <Popconfirm
              title={m.markWrongTitle}
              description={m.markWrongHelp}
              okText={m.markWrong}
              okButtonProps={{ danger: true }}
              cancelText={m.keep}
              onConfirm={() => props.onMarkWrong?.(c)}
            >
              <Button size="small" type="text" danger data-testid={`workbench-mark-wrong-${c.part_id}`}>
                {m.markWrong}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <div
      className={`wb-line${active ? " wb-line-active" : ""}${props.problem || props.serverErrors ? " wb-line-error" : ""}`}
      data-testid={`workbench-line-${quoteLine.position}`}
      data-active={active || undefined}
      data-status={state.status}
      onClick={active ? undefined : props.onActivate}
    >
      <Flex align="baseline" gap={8} wrap>
        <Typography.Text type="secondary">{quoteLine.position + 1}.</Typography.Text>
        <Typography.Text strong>{quoteLine.text}</Typography.Text>
        {inquiryLine?.part_number ? <Typography.Text code>{inquiryLine.part_number}</Typography.Text> : null}
        {inquiryLine?.brand ? <Tag>{inquiryLine.brand}</Tag> : null}
        <Typography.Text type="secondary">
          {m.quantity} {quoteLine.requested_quantity}
          {inquiryLine?.unit ?? ""}
        </Typography.Text>
        <ConfidenceTag confidence={quoteLine.confidence ?? inquiryLine?.confidence} />
        {statusTag}
        {props.changed ? <Tag color="processing">{m.changed}</Tag> : quoteLine.changed_by_staff ? <Tag>{m.changedByStaff}</Tag> : null}
        {inquiryLine?.split_from !== null && inquiryLine?.split_from !== undefined ? (
          <Tooltip title={m.splitHint}>
            <Tag>{fill(m.splitFrom, { n: inquiryLine.split_from + 1 })}</Tag>
          </Tooltip>
        ) : null}
        {inquiryLine?.note ? <Typography.Text type="secondary">({inquiryLine.note})</Typography.Text> : null}
      </Flex>

      {proposal ? (
        <Flex align="center" gap={12} wrap className="wb-proposal" data-testid={`workbench-proposal-${quoteLine.position}`}>
          <Typography.Text type="secondary">{m.proposal}</Typography.Text>
          <span>
            {proposal.brand ? <Tag>{proposal.brand}</Tag> : null}
            {proposal.name} <Typography.Text type="secondary">{proposal.sku}</Typography.Text>
          </span>
          {active && !readOnly ? (
            <Space size={4}>
              <CommitInput
                key={`price-${proposal.partId}`}
                initial={offerPrice(proposal, levelBasisPoints) ?? ""}
                accept={(text) => {
                  const checked = checkPrice(text);
                  if ("problem" in checked) return priceProblemText(m, checked.problem);
                  props.onPrice(checked.price);
                  return null;
                }}
                onDone={props.onLeaveField}
                focusSignal={signal("price")}
                testId="workbench-price-input"
                width={110}
                label={m.unitPrice}
                error={priceError}
              />
              <span>×</span>
              <CommitInput
                key={`quantity-${proposal.partId}`}
                initial={String(proposal.quantity)}
                accept={(text) => {
                  const n = Number(text.trim());
                  if (!/^\d+$/.test(text.trim()) || n < 1 || n > QUANTITY_MAX) return m.quantityInvalid;
                  props.onQuantity(n);
                  return null;
                }}
                onDone={props.onLeaveField}
                focusSignal={signal("quantity")}
                testId="workbench-quantity-input"
                width={64}
                label={m.quantity}
                error={quantityError}
              />
            </Space>
          ) : (
            <span className={priceError || quantityError ? "wb-error-text" : undefined}>
              {formatMoney(offerPrice(proposal, levelBasisPoints), currency)} × {proposal.quantity}
            </span>
          )}
          <span className="wb-money" data-testid={`workbench-line-total-${quoteLine.position}`}>
            = {formatMoney(offerTotal(proposal, levelBasisPoints), currency)}
          </span>
          {proposal.stock !== null ? (
            proposal.stock > 0 ? (
              <Typography.Text type="secondary">{fill(m.stock, { n: proposal.stock })}</Typography.Text>
            ) : (
              <Typography.Text type="danger">{m.outOfStock}</Typography.Text>
            )
          ) : null}
          {backorder(proposal) > 0 ? <Tag color="orange">{fill(m.backorder, { n: backorder(proposal) })}</Tag> : null}
          {props.serverErrors?.part ? <Typography.Text type="danger">{props.serverErrors.part}</Typography.Text> : null}
        </Flex>
      ) : null}

      {state.status === "offered" && state.offers.length > 1 ? (
        <div className="wb-alternatives">
          <Typography.Text type="secondary">{m.alternatives}:</Typography.Text>{" "}
          {state.offers.slice(1).map((o) => (
            <Tag key={o.partId}>
              {o.brand ? `${o.brand} ` : ""}
              {o.sku} {formatMoney(offerPrice(o, levelBasisPoints), currency)}
            </Tag>
          ))}
        </div>
      ) : null}
      {props.serverErrors?.options ? <Typography.Text type="danger">{props.serverErrors.options}</Typography.Text> : null}

      {active ? (
        <div className="wb-details">
          {candidates.length > 0 ? (
            <Table<Candidate>
              size="small"
              rowKey="part_id"
              pagination={false}
              columns={columns}
              dataSource={candidates}
              rowClassName={(c) => (proposal?.partId === c.part_id ? "wb-candidate-current" : "")}
              onRow={(c, i) =>
                ({
                  "data-testid": `workbench-candidate-${quoteLine.position}-${(i ?? 0) + 1}`,
                  onClick: readOnly ? undefined : () => props.onPickCandidate(c),
                }) as HTMLAttributes<HTMLElement>
              }
            />
          ) : (
            <Typography.Text type="secondary">{readOnly ? m.noCandidatesReadOnly : m.noCandidates}</Typography.Text>
          )}
          {showSearch ? (
            <div style={{ marginTop: 8 }}>
              <CatalogSearch
                initialText={inquiryLine?.part_number || quoteLine.text}
                search={props.search}
                onPick={props.onPickHit}
                onLeave={props.onLeaveField}
                focusSignal={signal("search")}
                currency={currency}
                levelBasisPoints={levelBasisPoints}
              />
            </div>
          ) : null}
          {!readOnly ? (
            <Space size={4} wrap style={{ marginTop: 8 }}>
              {!showSearch ? (
                <Button size="small" onClick={props.onSearch}>
                  {m.searchCatalog} <Typography.Text keyboard>/</Typography.Text>
                </Button>
              ) : null}
              {state.status !== "no_offer" || state.offers.length > 0 ? (
                <Button size="small" onClick={props.onToggleUnavailable} data-testid={`workbench-unavailable-${quoteLine.position}`}>
                  {state.status === "unavailable" ? m.markAvailable : m.markUnavailable}{" "}
                  <Typography.Text keyboard>u</Typography.Text>
                </Button>
              ) : null}
            </Space>
          ) : null}
        </div>
      ) : null}

      {noteOpen ? (
        <Flex align="center" gap={8} style={{ marginTop: 6 }}>
          <Typography.Text type="secondary">{m.note}</Typography.Text>
          {active && !readOnly ? (
            <CommitInput
              initial={state.note ?? ""}
              accept={(text) => {
                props.onNote(text);
                return null;
              }}
              onDone={props.onLeaveField}
              focusSignal={signal("note")}
              testId="workbench-note-input"
              width="100%"
              placeholder={m.lineNotePlaceholder}
              label={m.note}
              error={props.serverErrors?.note}
            />
          ) : (
            <Typography.Text>{state.note}</Typography.Text>
          )}
        </Flex>
      ) : null}
    </div>
  );
}
