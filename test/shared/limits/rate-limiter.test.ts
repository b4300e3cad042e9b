import { describe, expect, it } from "vitest";
import { RateLimiter, type RateRule } from "../../../shared/limits/rate-limiter";
import { CircuitBreaker } from "../../../shared/redis/circuit-breaker";
import { gatewayScope, redisRunner } from "../../helpers/worker/test-env";

const limiterOn = (token?: string, now?: () => number) =>
  new RateLimiter({ runner: redisRunner(token), breaker: new CircuitBreaker(), ...(now ? { now } : {}) });
const uniqueId = () => `test:${crypto.randomUUID()}`;

describe("RateLimiter (real Redis through the gateway)", () => {
  it("counts in Redis, across limiter instances", async () => {
    const rule = { requests: 2, windowSeconds: 60 };
    const id = uniqueId();
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await limiterOn().check(id, rule));
    expect(decisions.map((d) => [d.allowed, d.scope])).toEqual([
      [true, "global"],
      [true, "global"],
      [false, "global"],
    ]);
  });

  it("admits a busy identifier from leases: a few commands for hundreds of requests", async () => {
    const { control, token } = await gatewayScope();
    const limiter = limiterOn(token);
    const rule = { requests: 1000, windowSeconds: 3600 };
    const id = uniqueId();
    await limiter.check(uniqueId(), rule); // loads the script (NOSCRIPT, then EVAL)
    await control.resetCounters();
    const decisions = [];
    for (let i = 0; i < 300; i++) decisions.push(await limiter.check(id, rule));
    expect(decisions.every((d) => d.allowed && d.scope === "global")).toBe(true);
    // Each lease asks for what was admitted so far: 1, 1, 2, 4 … 64, then 100 (a tenth of the
    // limit) twice: 10 commands for 300 requests.
    expect((await control.counters()).commands.total).toBe(10);
    expect(decisions.at(-1)?.remaining).toBeLessThanOrEqual(700);
  });

  it("never admits more than the limit, however many isolates lease from it", async () => {
    const isolates = Array.from({ length: 3 }, () => limiterOn());
    const rule = { requests: 50, windowSeconds: 3600 };
    const id = uniqueId();
    let admitted = 0;
    for (let round = 0; round < 60; round++) for (const isolate of isolates) if ((await isolate.check(id, rule)).allowed) admitted++;
    // Every isolate keeps asking, so every lease is used up: exactly the limit, no more.
    expect(admitted).toBe(50);
  });

  it("refuses a refused identifier from memory until its window resets, then asks Redis again", async () => {
    const { control, token } = await gatewayScope();
    let now = 7_200_000 * Math.ceil(Date.now() / 7_200_000); // the start of a window
    const limiter = limiterOn(token, () => now);
    const rule: RateRule = { requests: 1, windowSeconds: 3600 };
    const id = uniqueId();
    expect((await limiter.check(id, rule)).allowed).toBe(true);
    const refusal = await limiter.check(id, rule);
    expect(refusal).toMatchObject({ allowed: false, remaining: 0, resetAt: now + 3_600_000 });
    await control.resetCounters();
    for (let i = 0; i < 5; i++) expect((await limiter.check(id, rule)).allowed).toBe(false);
    expect((await control.counters()).commands.total).toBe(0);
    // Past the window and the previous one's weight: admitted again, after asking Redis.
    now += 2 * 3_600_000;
    expect((await limiter.check(id, rule)).allowed).toBe(true);
    expect((await control.counters()).commands.total).toBe(1);
  });

  it("decides in the isolate while the circuit is open, without asking Redis", async () => {
    const { control, token } = await gatewayScope();
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    breaker.recordFailure();
    const limiter = new RateLimiter({ runner: redisRunner(token), breaker });
    const rule = { requests: 2, windowSeconds: 60 };
    const id = uniqueId();
    const decisions = [];
    for (let i = 0; i < 3; i++) decisions.push(await limiter.check(id, rule));
    expect(decisions.map((d) => [d.allowed, d.scope])).toEqual([
      [true, "isolate"],
      [true, "isolate"],
      [false, "isolate"],
    ]);
    expect((await control.counters()).requests.total).toBe(0);
  });
});
