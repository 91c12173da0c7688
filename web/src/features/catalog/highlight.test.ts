import { describe, expect, it } from "vitest";
import { highlightedWords, markedPieces } from "./highlight";

describe("highlightedWords", () => {
  it("finds the marked words and unescapes them", () => {
    expect(highlightedWords("<b>刹车片</b>(前 Front <b>pads</b> A&amp;B <b>&lt;x&gt;</b>")).toEqual(["刹车片", "pads", "<x>"]);
  });
});

describe("markedPieces", () => {
  it("marks the words in the whole name, not the highlight's fragment", () => {
    expect(markedPieces("刹车片(前) Front brake Pads", "<b>刹车片</b>(前 Front brake <b>pads</b>")).toEqual([
      { text: "刹车片", marked: true },
      { text: "(前) Front brake ", marked: false },
      { text: "Pads", marked: true },
    ]);
  });

  it("treats the words as text, not patterns", () => {
    expect(markedPieces("W 712/75 (x)", "<b>(x)</b>")).toEqual([
      { text: "W 712/75 ", marked: false },
      { text: "(x)", marked: true },
    ]);
  });

  it("keeps a name without marks whole", () => {
    expect(markedPieces("火花塞", "火花塞")).toEqual([{ text: "火花塞", marked: false }]);
  });
});
