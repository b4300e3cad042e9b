import { describe, expect, it } from "vitest";
import { CircuitBreaker, CircuitOpenError } from "../../../shared/cache/circuit-breaker";

function breakerAt(clock: { now: number }) {
  return new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, now: () => clock.now });
}
const fail = () => Promise.reject(new Error("redis down"));
const succeed = () => Promise.resolve("ok");

describe("CircuitBreaker", () => {
  it("opens after the configured number of consecutive failures", async () => {
    const clock = { now: 0 };
    const breaker = breakerAt(clock);
    await breaker.run(fail);
    await breaker.run(fail);
    expect(breaker.state).toBe("closed");
    await breaker.run(fail);
    expect(breaker.state).toBe("open");
  });

  it("resets the failure count on a success", async () => {
    const breaker = breakerAt({ now: 0 });
    await breaker.run(fail);
    await breaker.run(fail);
    await breaker.run(succeed);
    await breaker.run(fail);
    await breaker.run(fail);
    expect(breaker.state).toBe("closed");
  });

  it("refuses calls without running them while open", async () => {
    const clock = { now: 0 };
    const breaker = breakerAt(clock);
    for (let i = 0; i < 3; i++) await breaker.run(fail);
    let ran = false;
    const result = await breaker.run(async () => {
      ran = true;
    });
    expect(ran).toBe(false);
    expect(result).toEqual({ ok: false, error: expect.any(CircuitOpenError) });
  });

  it("lets one probe through after the cool-down and closes when it succeeds", async () => {
    const clock = { now: 0 };
    const breaker = breakerAt(clock);
    for (let i = 0; i < 3; i++) await breaker.run(fail);
    clock.now = 1000;
    expect(breaker.state).toBe("half-open");
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.state).toBe("closed");
  });

  it("re-opens for a full cool-down when the probe fails", async () => {
    const clock = { now: 0 };
    const breaker = breakerAt(clock);
    for (let i = 0; i < 3; i++) await breaker.run(fail);
    clock.now = 1000;
    await breaker.run(fail);
    expect(breaker.state).toBe("open");
    clock.now = 1999;
    expect(breaker.state).toBe("open");
    clock.now = 2000;
    expect(breaker.state).toBe("half-open");
  });
});
