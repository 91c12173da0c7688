import { describe, expect, it } from "vitest";
import { unseen } from "./NotificationBell";

describe("unseen", () => {
  it("counts what arrived after the last look, everything before any look", () => {
    const items = [{ created_at: "2026-12-07T03:00:00Z" }, { created_at: "2026-12-07T02:00:00Z" }];
    expect(unseen(items, null)).toBe(2);
    expect(unseen(items, "2026-12-07T02:00:00Z")).toBe(1);
    expect(unseen(items, "2026-12-07T03:00:00Z")).toBe(0);
  });
});
