/** How pressing an unanswered inquiry is against the dealer's response target. */
export type Urgency = "normal" | "warning" | "late";

/** Amber from 80 % of the target, red once it has passed. */
export function urgency(elapsedSeconds: number, targetMinutes: number): Urgency {
  const target = targetMinutes * 60;
  if (elapsedSeconds >= target) return "late";
  // 80 % without floats: elapsed / target >= 4 / 5.
  if (elapsedSeconds * 5 >= target * 4) return "warning";
  return "normal";
}

export function elapsedSeconds(since: string, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - Date.parse(since)) / 1000));
}
