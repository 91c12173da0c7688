import { describe, expect, it } from "vitest";
import { importFigures } from "./importProgress";
import { importFormatOf, newlineCounter } from "./upload";

const job = (over: Partial<Parameters<typeof importFigures>[0]>) => ({
  state: "running",
  rows_read: 0,
  inserted: 0,
  updated: 0,
  elapsed_ms: 0,
  ...over,
});

describe("importFigures", () => {
  it("estimates the time left from the rate so far", () => {
    const figures = importFigures(job({ rows_read: 20_000, inserted: 15_000, updated: 4_000, elapsed_ms: 2_000 }), 100_000);
    expect(figures.written).toBe(19_000);
    expect(figures.rowsPerSecond).toBe(10_000);
    expect(figures.percent).toBe(20);
    expect(figures.etaSeconds).toBe(8);
  });

  it("never shows a running import as done, even past the estimate", () => {
    const figures = importFigures(job({ rows_read: 1_200, elapsed_ms: 1_000 }), 1_000);
    expect(figures.percent).toBe(99);
    expect(figures.etaSeconds).toBe(0);
  });

  it("shows counts without a percentage when the size is unknown", () => {
    const figures = importFigures(job({ rows_read: 500, elapsed_ms: 1_000 }), null);
    expect(figures.percent).toBeNull();
    expect(figures.etaSeconds).toBeNull();
    expect(figures.rowsPerSecond).toBe(500);
  });

  it("is complete when the job finished, however it ended", () => {
    expect(importFigures(job({ state: "succeeded", rows_read: 3, inserted: 3, elapsed_ms: 5 }), 10).percent).toBe(100);
    expect(importFigures(job({ state: "failed" }), null).percent).toBe(100);
  });

  it("has no rate before any row was read", () => {
    expect(importFigures(job({ state: "queued", elapsed_ms: null }), 10).rowsPerSecond).toBeNull();
  });
});

describe("newlineCounter", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it("counts lines across chunks, with or without a final line feed", () => {
    const counter = newlineCounter();
    counter.push(bytes("sku,名称\nBP-1,刹车片"));
    counter.push(bytes("\nBP-2,机滤"));
    expect(counter.lines()).toBe(3);
    counter.push(bytes("\n"));
    expect(counter.lines()).toBe(3);
  });
});

describe("importFormatOf", () => {
  it("reads the format from the file name", () => {
    expect(importFormatOf("价格表.CSV")).toBe("csv");
    expect(importFormatOf("parts.ndjson")).toBe("ndjson");
    expect(importFormatOf("parts.jsonl")).toBe("ndjson");
    expect(importFormatOf("库存.xlsx")).toBe("excel");
    expect(importFormatOf("photo.png")).toBeNull();
  });
});
