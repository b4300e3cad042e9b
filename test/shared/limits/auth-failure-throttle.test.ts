import { describe, expect, it } from "vitest";
import { AuthFailureThrottle } from "../../../shared/limits/auth-failure-throttle";

function throttle(options: { failuresPerWindow?: number; maxClients?: number } = {}) {
  const clock = { now: 1_000_000 };
  return { clock, throttle: new AuthFailureThrottle({ failuresPerWindow: 3, windowMs: 60_000, now: () => clock.now, ...options }) };
}

describe("AuthFailureThrottle", () => {
  it("throttles a client at its limit of failures, until its window ends", () => {
    const { clock, throttle: t } = throttle();
    for (let i = 0; i < 2; i++) t.recordFailure("1.2.3.4");
    expect(t.retryAfterMs("1.2.3.4")).toBe(0);
    t.recordFailure("1.2.3.4");
    expect(t.retryAfterMs("1.2.3.4")).toBe(60_000);
    clock.now += 59_999;
    expect(t.retryAfterMs("1.2.3.4")).toBe(1);
  });

  it("starts a client afresh once its window is over", () => {
    const { clock, throttle: t } = throttle();
    for (let i = 0; i < 3; i++) t.recordFailure("1.2.3.4");
    clock.now += 60_000;
    expect(t.retryAfterMs("1.2.3.4")).toBe(0);
    t.recordFailure("1.2.3.4");
    expect(t.retryAfterMs("1.2.3.4")).toBe(0);
  });

  it("counts each client on its own", () => {
    const { throttle: t } = throttle();
    for (let i = 0; i < 3; i++) t.recordFailure("1.2.3.4");
    expect(t.retryAfterMs("5.6.7.8")).toBe(0);
  });

  it("tracks at most maxClients, forgetting the one that failed least recently", () => {
    const { throttle: t } = throttle({ maxClients: 2 });
    for (const client of ["a", "b", "c"]) for (let i = 0; i < 3; i++) t.recordFailure(client);
    expect(["a", "b", "c"].map((client) => t.retryAfterMs(client) > 0)).toEqual([false, true, true]);
  });
});
