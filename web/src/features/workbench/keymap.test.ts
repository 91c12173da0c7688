import { describe, expect, it } from "vitest";
import { commandFor } from "./keymap";

const editing = { confirming: false, readOnly: false };

describe("workbench keys", () => {
  it("moves between lines with the arrows (and j/k)", () => {
    expect(commandFor({ key: "ArrowDown" }, editing)).toEqual({ kind: "next" });
    expect(commandFor({ key: "k" }, editing)).toEqual({ kind: "previous" });
    expect(commandFor({ key: "Home" }, editing)).toEqual({ kind: "first" });
    expect(commandFor({ key: "End" }, editing)).toEqual({ kind: "last" });
  });

  it("picks candidates 1-5 and opens the line's fields", () => {
    expect(commandFor({ key: "1" }, editing)).toEqual({ kind: "pick", index: 0 });
    expect(commandFor({ key: "5" }, editing)).toEqual({ kind: "pick", index: 4 });
    expect(commandFor({ key: "6" }, editing)).toBeNull();
    expect(commandFor({ key: "e" }, editing)).toEqual({ kind: "price" });
    expect(commandFor({ key: "q" }, editing)).toEqual({ kind: "quantity" });
    expect(commandFor({ key: "u" }, editing)).toEqual({ kind: "unavailable" });
    expect(commandFor({ key: "/" }, editing)).toEqual({ kind: "search" });
    expect(commandFor({ key: "n" }, editing)).toEqual({ kind: "note" });
    expect(commandFor({ key: "s" }, editing)).toEqual({ kind: "send" });
  });

  it("leaves the browser's own shortcuts alone", () => {
    expect(commandFor({ key: "s", ctrlKey: true }, editing)).toBeNull();
    expect(commandFor({ key: "1", altKey: true }, editing)).toBeNull();
  });

  it("only confirms or dismisses while the send confirmation is open", () => {
    const confirming = { confirming: true, readOnly: false };
    expect(commandFor({ key: "Enter" }, confirming)).toEqual({ kind: "confirm" });
    expect(commandFor({ key: "Escape" }, confirming)).toEqual({ kind: "dismiss" });
    expect(commandFor({ key: "ArrowDown" }, confirming)).toBeNull();
  });

  it("only navigates a read-only quote", () => {
    const readOnly = { confirming: false, readOnly: true };
    expect(commandFor({ key: "ArrowDown" }, readOnly)).toEqual({ kind: "next" });
    expect(commandFor({ key: "1" }, readOnly)).toBeNull();
    expect(commandFor({ key: "s" }, readOnly)).toBeNull();
  });
});
