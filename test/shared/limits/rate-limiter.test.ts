import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { RateLimiter } from "../../../shared/limits/rate-limiter";
import { CircuitBreaker } from "../../../shared/redis/circuit-breaker";
import { createUpstashClient } from "../../../shared/redis/redis-client";

describe("RateLimiter", () => {
  it("counts in Redis, across limiter instances", async () => {
    const sdk = () =>
      createUpstashClient({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: 1000, retries: 0 }).sdk;
    const rule = { requests: 2, windowSeconds: 60 };
    const id = `test:${crypto.randomUUID()}`;
    const first = await new RateLimiter({ redis: sdk(), breaker: new CircuitBreaker(), timeoutMs: 1000 }).check(id, rule);
    const second = await new RateLimiter({ redis: sdk(), breaker: new CircuitBreaker(), timeoutMs: 1000 }).check(id, rule);
    const third = await new RateLimiter({ redis: sdk(), breaker: new CircuitBreaker(), timeoutMs: 1000 }).check(id, rule);
    expect([first, second, third].map((d) => [d.allowed, d.scope])).toEqual([
      [true, "global"],
      [true, "global"],
      [false, "global"],
    ]);
  });
});
