import { describe, expect, it } from "vitest";
import { activeClaim } from "./api";
import { elapsedSeconds, urgency } from "./timer";

describe("response timer", () => {
  it("turns amber at 80 % of the target and red past it", () => {
    expect(urgency(0, 15)).toBe("normal");
    expect(urgency(12 * 60 - 1, 15)).toBe("normal");
    expect(urgency(12 * 60, 15)).toBe("warning");
    expect(urgency(15 * 60 - 1, 15)).toBe("warning");
    expect(urgency(15 * 60, 15)).toBe("late");
    expect(urgency(48, 1)).toBe("warning");
  });

  it("counts whole seconds since arrival, never negative", () => {
    const now = Date.parse("2026-12-06T10:05:30Z");
    expect(elapsedSeconds("2026-12-06T10:00:00Z", now)).toBe(330);
    expect(elapsedSeconds("2026-12-06T10:06:00Z", now)).toBe(0);
  });
});

describe("claims", () => {
  const claim = {
    user_id: "usr_1",
    user_name: "张三",
    claimed_at: "2026-12-06T10:00:00Z",
    expires_at: "2026-12-06T10:15:00Z",
  };

  it("shows a claim only until it lapses", () => {
    expect(activeClaim(claim, Date.parse("2026-12-06T10:14:59Z"))).toBe(claim);
    expect(activeClaim(claim, Date.parse("2026-12-06T10:15:00Z"))).toBeNull();
    expect(activeClaim(null, 0)).toBeNull();
  });
});
