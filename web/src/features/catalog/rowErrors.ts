import { problemFieldErrors } from "./formErrors";

/**
 * A list body's field errors by row: `/groups/3/1` is row 3 of `groups`. Messages that name
 * no row (the list as a whole) come back under `list`.
 */
export function rowErrors(error: unknown, listName: string): { rows: Map<number, string[]>; list: string[] } {
  const rows = new Map<number, string[]>();
  const list: string[] = [];
  for (const { path, messages } of problemFieldErrors(error)) {
    if (path[0] === listName && typeof path[1] === "number") {
      const detail = path.length > 2 ? messages.map((text) => `${path.slice(2).join(".")}: ${text}`) : messages;
      rows.set(path[1], [...(rows.get(path[1]) ?? []), ...detail]);
    } else {
      list.push(...messages);
    }
  }
  return { rows, list };
}
