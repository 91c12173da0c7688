import { SearchOutlined } from "@ant-design/icons";
import { Empty, Input, type InputRef, Spin, Tag, Typography } from "antd";
import { useEffect, useRef, useState } from "react";
import type { Schemas } from "../../api/client";
import { fill, useMessages } from "../../i18n";
import { formatMoney } from "../../lib/format";
import { discounted } from "./decimal";
import { Matched, matchedLabel } from "./Matched";
import { workbenchMessages } from "./messages";

type Hit = Schemas["SearchHit"];

const DEBOUNCE_MS = 300;

/**
 * Inline catalog search for one line: typing searches after a pause, Enter searches at once or,
 * once hits for the text are shown, picks the highlighted one; ↑/↓ move the highlight, Esc leaves.
 */
export function CatalogSearch({
  initialText,
  search,
  onPick,
  onLeave,
  focusSignal,
  currency,
  levelBasisPoints,
}: {
  initialText: string;
  search: (q: string) => Promise<Hit[]>;
  onPick: (hit: Hit) => void;
  onLeave: () => void;
  /** Changes whenever the search should take the focus (the `/` key). */
  focusSignal: number;
  currency: string;
  levelBasisPoints: number;
}) {
  const m = useMessages(workbenchMessages);
  const [text, setText] = useState(initialText);
  const [result, setResult] = useState<{ q: string; hits: Hit[] } | null>(null);
  const [pending, setPending] = useState<string | null>(null);
  const [highlight, setHighlight] = useState(0);
  const input = useRef<InputRef>(null);
  const list = useRef<HTMLDivElement>(null);
  const latest = useRef("");

  useEffect(() => {
    if (focusSignal > 0) {
      input.current?.focus();
      input.current?.select();
    }
  }, [focusSignal]);

  const run = (q: string) => {
    const query = q.trim();
    if (!query) return;
    latest.current = query;
    setPending(query);
    search(query).then(
      (hits) => {
        if (latest.current !== query) return;
        setResult({ q: query, hits });
        setHighlight(0);
        setPending(null);
      },
      () => {
        if (latest.current === query) setPending(null);
      },
    );
  };

  // What the shop wrote is searched at once; what the clerk types, after a pause.
  const shopText = useRef(initialText.trim());
  useEffect(() => {
    const query = text.trim();
    if (!query || query === result?.q || query === pending) return;
    if (query === shopText.current) {
      shopText.current = "";
      run(query);
      return;
    }
    const timer = window.setTimeout(() => run(query), DEBOUNCE_MS);
    return () => window.clearTimeout(timer);
  }, [text]);

  const current = result && result.q === text.trim() ? result.hits : null;

  // New hits come into view (the line may sit just above the footer).
  useEffect(() => {
    if (result) list.current?.scrollIntoView?.({ block: "nearest" });
  }, [result]);

  const onKeyDown = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === "Enter") {
      event.preventDefault();
      if (current && current.length > 0) onPick(current[Math.min(highlight, current.length - 1)]);
      else run(text);
    } else if (event.key === "ArrowDown" && current) {
      event.preventDefault();
      setHighlight((h) => Math.min(current.length - 1, h + 1));
    } else if (event.key === "ArrowUp" && current) {
      event.preventDefault();
      setHighlight((h) => Math.max(0, h - 1));
    } else if (event.key === "Escape") {
      event.preventDefault();
      onLeave();
    }
  };

  return (
    <div>
      <Input
        ref={input}
        value={text}
        placeholder={m.searchPlaceholder}
        prefix={<SearchOutlined />}
        suffix={pending !== null ? <Spin size="small" /> : <span />}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        data-testid="workbench-search-input"
        aria-label={m.searchCatalog}
      />
      {pending !== null && !current ? (
        <div style={{ padding: 8 }}>
          <Spin size="small" /> <Typography.Text type="secondary">{m.searching}</Typography.Text>
        </div>
      ) : null}
      {current && current.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={m.noHits} /> : null}
      {current && current.length > 0 ? (
        <div role="listbox" aria-label={m.searchCatalog} style={{ marginTop: 4 }} className="wb-hits" ref={list}>
          {current.map((hit, i) => {
            const price = hit.part.price ?? null;
            return (
              <div
                key={hit.part.id}
                role="option"
                aria-selected={i === highlight}
                data-testid={`workbench-search-hit-${i + 1}`}
                onMouseEnter={() => setHighlight(i)}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => onPick(hit)}
                className={`wb-hit${i === highlight ? " wb-hit-active" : ""}`}
              >
                <span className="wb-hit-sku">{hit.part.sku}</span>
                <span>
                  {hit.part.brand ? <Tag>{hit.part.brand}</Tag> : null}
                  {hit.part.name}
                </span>
                <span>
                  <Matched kind={hit.matched_on.kind} value={hit.matched_on.value} label={matchedLabel(m, hit.matched_on.kind)} />
                </span>
                <span className={hit.part.in_stock ? undefined : "wb-out"}>
                  {hit.part.stock === null || hit.part.stock === undefined
                    ? null
                    : hit.part.stock > 0
                      ? fill(m.stock, { n: hit.part.stock })
                      : m.outOfStock}
                </span>
                <span className="wb-money">
                  {price === null ? (
                    <Typography.Text type="secondary">{m.noPrice}</Typography.Text>
                  ) : (
                    <>
                      <Typography.Text type="secondary" delete={levelBasisPoints > 0}>
                        {formatMoney(price, currency)}
                      </Typography.Text>{" "}
                      {levelBasisPoints > 0 ? formatMoney(discounted(price, levelBasisPoints), currency) : null}
                    </>
                  )}
                </span>
              </div>
            );
          })}
        </div>
      ) : null}
    </div>
  );
}
