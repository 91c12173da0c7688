import { describe, expect, it } from "vitest";
import { toCsv } from "./csv";

describe("toCsv", () => {
  it("starts with a BOM and ends lines with CRLF", () => {
    expect(toCsv([["行号", "说明"], [12, "价格无效"]])).toBe("\uFEFF行号,说明\r\n12,价格无效\r\n");
  });

  it("quotes fields with commas, quotes and line breaks, doubling quotes", () => {
    expect(toCsv([["a,b", 'say "hi"', "two\nlines", "plain"]])).toBe('\uFEFF"a,b","say ""hi""","two\nlines",plain\r\n');
  });

  it("keeps text from starting a spreadsheet formula", () => {
    expect(toCsv([["=SUM(A1)", "+1", "@x", "-2", 5, -3]])).toBe("\uFEFF'=SUM(A1),'+1,'@x,'-2,5,-3\r\n");
  });

  it("writes missing values as empty fields", () => {
    expect(toCsv([[null, undefined, ""]])).toBe("\uFEFF,,\r\n");
  });
});
