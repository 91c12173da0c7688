import { Tag, Tooltip } from "antd";
import type { ReactNode } from "react";
import type { workbenchMessages } from "./messages";

type Messages = (typeof workbenchMessages)["zh-CN"];

/** The people's word for a `matched_on` kind (`oe` → OE号). */
export function matchedLabel(m: Messages, kind: string): string {
  const key = `matched_${kind}` as keyof Messages;
  return key in m ? m[key] : kind;
}

/** Why a part was offered: the kind of match and the number or words that matched, marked. */
export function Matched({ kind, value, label }: { kind: string; value: string; label: string }) {
  return (
    <span className="wb-matched" data-matched-on={kind}>
      <Tag color={kind === "name" || kind === "pinyin" || kind === "description" ? "default" : "geekblue"}>{label}</Tag>
      {value ? <mark>{value}</mark> : null}
    </span>
  );
}

/** A reason sentence with the matched value marked wherever it appears. */
export function Reason({ text, value }: { text: string; value: string }) {
  const parts: ReactNode[] = [];
  const needle = value.trim();
  if (needle) {
    const lower = text.toLowerCase();
    const target = needle.toLowerCase();
    let at = 0;
    let found = lower.indexOf(target, at);
    while (found >= 0) {
      if (found > at) parts.push(text.slice(at, found));
      parts.push(<mark key={found}>{text.slice(found, found + needle.length)}</mark>);
      at = found + needle.length;
      found = lower.indexOf(target, at);
    }
    if (at < text.length) parts.push(text.slice(at));
  } else {
    parts.push(text);
  }
  return (
    <Tooltip title={text}>
      <span className="wb-reason">{parts}</span>
    </Tooltip>
  );
}
