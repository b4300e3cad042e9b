import { describe, expect, it } from "vitest";
import { CircuitBreaker, CircuitOpenError } from "../../../shared/redis/circuit-breaker";
import { RedisCommandError, RequestTooLargeError } from "../../../shared/redis/request-errors";

function breakerAt(clock: { now: number }) {
  return new CircuitBreaker({ failureThreshold: 3, cooldownMs: 1000, probeTimeoutMs: 500, now: () => clock.now });
}
const fail = () => Promise.reject(new Error("redis down"));
const succeed = () => Promise.resolve("ok");
const tooLarge = () => Promise.reject(new RequestTooLargeError(12_000_000, 10_000_000));
const commandError = () => Promise.reject(new RedisCommandError("command failed: WRONGTYPE"));
/** A call whose request was cancelled at an await: it never settles, and its `finally` never runs. */
const cancelled = () => new Promise<never>(() => {});

async function openedBreaker(clock: { now: number }) {
  const breaker = breakerAt(clock);
  for (let i = 0; i < 3; i++) await breaker.run(fail);
  expect(breaker.state).toBe("open");
  return breaker;
}

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

  it("never counts a request too large: failures stay at zero however many are refused", async () => {
    const breaker = breakerAt({ now: 0 });
    await breaker.run(fail);
    for (let i = 0; i < 10; i++) await breaker.run(tooLarge);
    expect(breaker.state).toBe("closed");
    expect(breaker.consecutiveFailures).toBe(1);
  });

  it("hands the probe back when the probing call was too large to send", async () => {
    const clock = { now: 0 };
    const breaker = await openedBreaker(clock);
    clock.now = 1000;
    const result = await breaker.run(tooLarge);
    expect(result).toEqual({ ok: false, error: expect.any(RequestTooLargeError) });
    expect(breaker.state).toBe("half-open");
    expect(breaker.tryAcquire()).toBe(true);
  });

  it("takes a command error as Redis answering: it resets the failures and closes a half-open circuit", async () => {
    const clock = { now: 0 };
    const breaker = breakerAt(clock);
    for (let i = 0; i < 10; i++) await breaker.run(commandError);
    expect(breaker.state).toBe("closed");
    expect(breaker.consecutiveFailures).toBe(0);

    for (let i = 0; i < 3; i++) await breaker.run(fail);
    clock.now = 1000;
    await breaker.run(commandError);
    expect(breaker.state).toBe("closed");
  });

  it("lets the next caller probe once a probe has been out for probeTimeoutMs, and not before", async () => {
    const clock = { now: 0 };
    const breaker = await openedBreaker(clock);
    clock.now = 1000;
    void breaker.run(cancelled);
    clock.now = 1499;
    expect(await breaker.run(succeed)).toEqual({ ok: false, error: expect.any(CircuitOpenError) });
    expect(breaker.state).toBe("half-open");
    clock.now = 1500;
    expect(await breaker.run(succeed)).toEqual({ ok: true, value: "ok" });
    expect(breaker.state).toBe("closed");
  });

  it("keeps a lost probe's late hand-back from releasing the probe that replaced it", async () => {
    const clock = { now: 0 };
    const breaker = await openedBreaker(clock);
    clock.now = 1000;
    let settleLate: (error: unknown) => void = () => {};
    const late = breaker.run(() => new Promise<never>((_, reject) => (settleLate = reject)));
    clock.now = 1500;
    void breaker.run(cancelled);
    settleLate(new RequestTooLargeError(2, 1));
    await late;
    expect(breaker.tryAcquire()).toBe(false);
  });
});
