import { describe, expect, it } from "vitest";
import { shouldRefreshEarly } from "../../../shared/warm/xfetch";

const freshUntil = 1_000_000;

describe("XFetch early refresh", () => {
  it("refreshes shortly before expiry, while the entry is still fresh", () => {
    // ln(0.5) = -0.69: now is pushed 693 ms forward, past freshUntil.
    expect(shouldRefreshEarly({ now: freshUntil - 500, freshUntil, deltaMs: 1000, random: () => 0.5 })).toBe(true);
  });

  it("does not refresh long before expiry with an ordinary draw", () => {
    expect(shouldRefreshEarly({ now: freshUntil - 60_000, freshUntil, deltaMs: 1000, random: () => 0.5 })).toBe(false);
  });

  it("refreshes earlier with a rare draw, and with a larger delta or beta", () => {
    const now = freshUntil - 5000;
    expect(shouldRefreshEarly({ now, freshUntil, deltaMs: 1000, random: () => 0.5 })).toBe(false);
    expect(shouldRefreshEarly({ now, freshUntil, deltaMs: 1000, random: () => 0.001 })).toBe(true);
    expect(shouldRefreshEarly({ now, freshUntil, deltaMs: 10_000, random: () => 0.5 })).toBe(true);
    expect(shouldRefreshEarly({ now, freshUntil, deltaMs: 1000, beta: 10, random: () => 0.5 })).toBe(true);
  });

  it("always refreshes an entry that is already past freshUntil", () => {
    expect(shouldRefreshEarly({ now: freshUntil + 1, freshUntil, deltaMs: 1000, random: () => 1 })).toBe(true);
  });

  it("with the default random draw, refreshes most of the time just before expiry and almost never far from it", () => {
    let near = 0;
    let far = 0;
    for (let i = 0; i < 1000; i++) {
      if (shouldRefreshEarly({ now: freshUntil - 100, freshUntil, deltaMs: 1000 })) near++;
      if (shouldRefreshEarly({ now: freshUntil - 30_000, freshUntil, deltaMs: 1000 })) far++;
    }
    // P(near) = e^-0.1 ≈ 0.90 and P(far) = e^-30 ≈ 0: bounds far from both, so the test is not flaky.
    expect(near).toBeGreaterThan(700);
    expect(far).toBe(0);
  });
});
