import { Space, Tag, Tooltip, Typography } from "antd";
import type { Schemas } from "../../api/client";
import { useMessages } from "../../i18n";
import { catalogMessages } from "./messages";

export type PartNumber = Schemas["PartNumberResponse"];
export type MatchedOn = Schemas["MatchedOnResponse"];

export const NUMBER_KINDS = ["article", "oe", "interchange", "supersedes", "superseded_by"] as const;
export type NumberKind = (typeof NUMBER_KINDS)[number];

/** The words for a number kind or a `matched_on` kind, in the current language. */
export function useKindLabels() {
  const m = useMessages(catalogMessages);
  const kinds: Record<string, string> = {
    sku: m.kindSku,
    article: m.kindArticle,
    oe: m.kindOe,
    interchange: m.kindInterchange,
    supersedes: m.kindSupersedes,
    superseded_by: m.kindSupersededBy,
    name: m.kindName,
    category: m.kindCategory,
    description: m.kindDescription,
    pinyin: m.kindPinyin,
    fitment: m.kindFitment,
    filter: m.kindFilter,
  };
  const precisions: Record<string, string> = {
    exact: m.precisionExact,
    prefix: m.precisionPrefix,
    typo: m.precisionTypo,
    text: m.precisionText,
  };
  return {
    kind: (kind: string) => kinds[kind] ?? kind,
    precision: (precision: string) => precisions[precision] ?? precision,
  };
}

/** A number as the catalog wrote it, with its brand and side. */
export function numberText(number: PartNumber, sides: { L: string; R: string }): string {
  const side = number.side === "L" ? sides.L : number.side === "R" ? sides.R : null;
  return [number.brand, number.number, side ? `(${side})` : null].filter(Boolean).join(" ");
}

/** Why a search offered a part: kind, value and how exactly it matched. */
export function MatchedOnTag({ matched }: { matched: MatchedOn }) {
  const labels = useKindLabels();
  const color = matched.precision === "exact" ? "green" : matched.precision === "text" ? "blue" : "gold";
  return (
    <Tooltip title={labels.precision(matched.precision)}>
      <Tag color={color} data-testid="matched-on" data-kind={matched.kind} style={{ marginInlineEnd: 0 }}>
        {labels.kind(matched.kind)}: {matched.value}
      </Tag>
    </Tooltip>
  );
}

/** The first few of a part's numbers, article and OE first, with the rest counted. */
export function NumberList({ numbers, max = 3 }: { numbers: PartNumber[]; max?: number }) {
  const m = useMessages(catalogMessages);
  const labels = useKindLabels();
  const sides = { L: m.sideLeft, R: m.sideRight };
  const ordered = [...numbers].sort((a, b) => rank(a.kind) - rank(b.kind));
  const shown = ordered.slice(0, max);
  if (shown.length === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Space size={[4, 2]} wrap>
      {shown.map((n, i) => (
        <Tooltip key={`${n.kind}-${n.normalized}-${i}`} title={labels.kind(n.kind)}>
          <Typography.Text code>{numberText(n, sides)}</Typography.Text>
        </Tooltip>
      ))}
      {ordered.length > max && <Typography.Text type="secondary">+{ordered.length - max}</Typography.Text>}
    </Space>
  );
}

function rank(kind: string): number {
  const at = NUMBER_KINDS.indexOf(kind as NumberKind);
  return at < 0 ? NUMBER_KINDS.length : at;
}
