import { describe, expect, it } from "vitest";
import { HealthProbe } from "../../shared/health-probe";
import { CircuitBreaker } from "../../shared/redis/circuit-breaker";
import { guardedRunner } from "../../shared/redis/guarded-runner";
import type { RedisRunner } from "../../shared/redis/redis-client";

/** A Redis that answers PING, counting requests; `next` replaces the next answer. */
interface FakeRedis {
  requests: number;
  next: (() => Promise<never>) | undefined;
  runner: RedisRunner;
}

function fakeRedis(): FakeRedis {
  const redis: FakeRedis = {
    requests: 0,
    next: undefined,
    runner: {
      async run() {
        redis.requests += 1;
        const next = redis.next;
        redis.next = undefined;
        if (next) return next();
        return [{ ok: true, value: "PONG" }];
      },
    },
  };
  return redis;
}

function probeAt(clock: { now: number }) {
  const redis = fakeRedis();
  const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 2000, probeTimeoutMs: 2500, now: () => clock.now });
  const probe = new HealthProbe({
    runner: guardedRunner(redis.runner, breaker),
    breaker,
    reuseMs: 1000,
    inFlightTimeoutMs: 2500,
    now: () => clock.now,
  });
  return { redis, breaker, probe };
}

describe("HealthProbe", () => {
  it("asks Redis at most once per reuseMs and answers in between from the last probe", async () => {
    const clock = { now: 0 };
    const { redis, probe } = probeAt(clock);
    for (let i = 0; i < 5; i++) expect(await probe.probe()).toEqual({ reachable: true, latencyMs: 0 });
    clock.now = 999;
    await probe.probe();
    expect(redis.requests).toBe(1);
    clock.now = 1000;
    await probe.probe();
    expect(redis.requests).toBe(2);
  });

  it("answers checks that arrive while the isolate's first probe is out from the breaker, without a request", async () => {
    const clock = { now: 0 };
    const { redis, probe } = probeAt(clock);
    redis.next = () => new Promise<never>(() => {});
    void probe.probe();
    expect(await probe.probe()).toEqual({ reachable: true, latencyMs: null });
    expect(redis.requests).toBe(1);
  });

  it("forgets a probe cancelled with its request once inFlightTimeoutMs has passed", async () => {
    const clock = { now: 0 };
    const { redis, probe } = probeAt(clock);
    await probe.probe();
    clock.now = 1000;
    redis.next = () => new Promise<never>(() => {});
    void probe.probe();
    clock.now = 3499;
    await probe.probe();
    expect(redis.requests).toBe(2);
    clock.now = 3500;
    await probe.probe();
    expect(redis.requests).toBe(3);
  });

  it("always probes a half-open circuit, which is how health closes it without other traffic", async () => {
    const clock = { now: 0 };
    const { redis, breaker, probe } = probeAt(clock);
    redis.next = () => Promise.reject(new Error("connection refused"));
    expect(await probe.probe()).toEqual({ reachable: false, latencyMs: null });
    expect(breaker.state).toBe("open");
    clock.now = 2000;
    expect(breaker.state).toBe("half-open");
    // A check just before the cool-down ends (refused by the open circuit, no request) makes
    // the last result recent: half-open must not reuse it.
    clock.now = 1999;
    expect(await probe.probe()).toEqual({ reachable: false, latencyMs: null });
    expect(redis.requests).toBe(1);
    clock.now = 2000;
    expect(await probe.probe()).toEqual({ reachable: true, latencyMs: 0 });
    expect(breaker.state).toBe("closed");
  });
});
