import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { BoundedBlockCache } from "../../../shared/limits/ephemeral-cache";
import { LocalRateLimiter } from "../../../shared/limits/local-rate-limiter";
import { RateLimiter } from "../../../shared/limits/rate-limiter";
import { CircuitBreaker } from "../../../shared/redis/circuit-breaker";
import { createUpstashClient } from "../../../shared/redis/redis-client";

const sdk = () =>
  createUpstashClient({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN, timeoutMs: 1000, retries: 0 }).sdk;

describe("RateLimiter's per-isolate state is bounded", () => {
  it("keeps a limiter for at most maxRules distinct rules, however many rules tenants choose", async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1 });
    breaker.recordFailure();
    // An open circuit: every check decides locally, but still makes the rule's limiter.
    const limiter = new RateLimiter({ redis: sdk(), breaker, maxRules: 10 });
    for (let requests = 1; requests <= 50; requests++) await limiter.check(`t:${requests}`, { requests, windowSeconds: 60 });
    expect(limiter.sizes.rules).toBe(10);
  });

  it("remembers at most maxBlocked blocked identifiers, and still blocks without a round trip while it does", async () => {
    const limiter = new RateLimiter({ redis: sdk(), breaker: new CircuitBreaker(), timeoutMs: 1000, maxBlocked: 2 });
    const rule = { requests: 1, windowSeconds: 60 };
    const ids = Array.from({ length: 4 }, () => `test:${crypto.randomUUID()}`);
    for (const id of ids) {
      expect((await limiter.check(id, rule)).allowed).toBe(true);
      expect((await limiter.check(id, rule)).allowed).toBe(false);
    }
    expect(limiter.sizes.blocked).toBe(2);
  });

  it("hands @upstash/ratelimit a Map that drops its oldest block past its bound", () => {
    const cache = new BoundedBlockCache(2);
    expect(cache).toBeInstanceOf(Map);
    cache.set("a", 1).set("b", 2).set("c", 3);
    expect([...cache.keys()]).toEqual(["b", "c"]);
  });

  it("counts at most maxKeys identifiers in the per-isolate window, forgetting the least recently used", () => {
    const local = new LocalRateLimiter({ maxKeys: 2, now: () => 0 });
    const rule = { requests: 1, windowSeconds: 60 };
    for (const id of ["a", "b", "c"]) expect(local.check(id, rule).allowed).toBe(true);
    expect(local.check("c", rule).allowed).toBe(false);
    expect(local.check("a", rule).allowed).toBe(true);
  });
});
