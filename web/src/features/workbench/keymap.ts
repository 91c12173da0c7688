/**
 * The workbench's keys. The happy path needs nothing else: ↑/↓ to a line (Home/End to the first
 * and last), 1-5 for a candidate, `/` to search the catalog for it, `e` for its price, `s` and
 * Enter to send.
 */
export type Command =
  | { kind: "next" }
  | { kind: "previous" }
  | { kind: "first" }
  | { kind: "last" }
  | { kind: "pick"; index: number }
  | { kind: "price" }
  | { kind: "quantity" }
  | { kind: "unavailable" }
  | { kind: "search" }
  | { kind: "note" }
  | { kind: "send" }
  | { kind: "confirm" }
  | { kind: "dismiss" };

export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/** What a key does on the workbench (outside text fields); `null` leaves it to the browser. */
export function commandFor(press: KeyPress, state: { confirming: boolean; readOnly: boolean }): Command | null {
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  if (state.confirming) {
    if (press.key === "Enter") return { kind: "confirm" };
    if (press.key === "Escape") return { kind: "dismiss" };
    return null;
  }
  switch (press.key) {
    case "ArrowDown":
    case "j":
      return { kind: "next" };
    case "ArrowUp":
    case "k":
      return { kind: "previous" };
    case "Home":
      return { kind: "first" };
    case "End":
      return { kind: "last" };
    case "Escape":
      return { kind: "dismiss" };
  }
  if (state.readOnly) return null;
  if (/^[1-5]$/.test(press.key)) return { kind: "pick", index: Number(press.key) - 1 };
  switch (press.key) {
    case "e":
      return { kind: "price" };
    case "q":
      return { kind: "quantity" };
    case "u":
      return { kind: "unavailable" };
    case "/":
    case "f":
      return { kind: "search" };
    case "n":
      return { kind: "note" };
    case "s":
      return { kind: "send" };
    default:
      return null;
  }
}
