import { describe, expect, it } from "vitest";
import { sparklinePath } from "./sparkline";

describe("sparklines", () => {
  it("draws values left to right, higher values higher up", () => {
    expect(sparklinePath([0, 1, 2], 42, 12)).toBe("M1 11 L21 6 L41 1");
  });

  it("breaks the line at missing values and marks a lone value with a dash", () => {
    expect(sparklinePath([1, null, 1, 1], 32, 12, 1)).toBe("M1 1 h2 M21 1 L31 1");
  });

  it("draws rates on a fixed 0..1 scale and a single value in the middle", () => {
    expect(sparklinePath([0.5], 20, 12, 1)).toBe("M10 6 h2");
    expect(sparklinePath([], 20, 12)).toBe("");
    expect(sparklinePath([0, 0], 20, 12)).toBe("M1 11 L19 11");
  });
});
