/** One row of the vehicle alias editor. */
export interface AliasRow {
  key: number;
  alias: string;
  make: string;
  model: string;
}

/** Client-side checks matching the API's limits: 2-20 words of at most 50 characters. */
export function synonymProblems(words: string[], m: { synonymTooFew: string; synonymTooMany: string; synonymTooLong: string }): string[] {
  const problems: string[] = [];
  if (words.length < 2) problems.push(m.synonymTooFew);
  if (words.length > 20) problems.push(m.synonymTooMany);
  if (words.some((w) => [...w].length > 50)) problems.push(m.synonymTooLong);
  return problems;
}

export type AliasMessages = { aliasLength: string; aliasMakeRequired: string; aliasMakeLong: string; aliasModelLong: string; aliasDuplicate: string };

/** Client-side checks matching the API's limits; duplicates are compared without case. */
export function aliasProblems(rows: AliasRow[], m: AliasMessages): Map<number, string[]> {
  const problems = new Map<number, string[]>();
  const seen = new Set<string>();
  for (const row of rows) {
    const found: string[] = [];
    const alias = row.alias.trim();
    const length = [...alias].length;
    if (length < 2 || length > 30) found.push(m.aliasLength);
    if (!row.make.trim()) found.push(m.aliasMakeRequired);
    if ([...row.make.trim()].length > 50) found.push(m.aliasMakeLong);
    if ([...row.model.trim()].length > 80) found.push(m.aliasModelLong);
    const folded = alias.toLowerCase();
    if (alias && seen.has(folded)) found.push(m.aliasDuplicate);
    seen.add(folded);
    if (found.length) problems.set(row.key, found);
  }
  return problems;
}
