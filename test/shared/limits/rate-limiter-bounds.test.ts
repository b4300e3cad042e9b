import { describe, expect, it } from "vitest";
import { LocalRateLimiter } from "../../../shared/limits/local-rate-limiter";
import { RateLimiter } from "../../../shared/limits/rate-limiter";
import { CircuitBreaker } from "../../../shared/redis/circuit-breaker";
import { redisRunner } from "../../helpers/worker/test-env";

describe("RateLimiter's per-isolate state is bounded", () => {
  it("keeps leases for at most maxLeases identifiers and rules, however many tenants and rules there are", async () => {
    const limiter = new RateLimiter({ runner: redisRunner(), breaker: new CircuitBreaker(), maxLeases: 3 });
    for (let requests = 1; requests <= 5; requests++) {
      const rule = { requests, windowSeconds: 60 };
      const id = `test:${crypto.randomUUID()}`;
      expect((await limiter.check(id, rule)).allowed).toBe(true);
    }
    expect(limiter.sizes.leases).toBe(3);
  });

  it("counts at most maxKeys identifiers in the per-isolate window, forgetting the least recently used", () => {
    const local = new LocalRateLimiter({ maxKeys: 2, now: () => 0 });
    const rule = { requests: 1, windowSeconds: 60 };
    for (const id of ["a", "b", "c"]) expect(local.check(id, rule).allowed).toBe(true);
    expect(local.check("c", rule).allowed).toBe(false);
    expect(local.check("a", rule).allowed).toBe(true);
  });
});
