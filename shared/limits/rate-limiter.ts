import { Ratelimit } from "@upstash/ratelimit";
import { LruMap } from "../lru-map";
import type { CircuitBreaker } from "../redis/circuit-breaker";
import { RATE_LIMIT_REDIS_PREFIX } from "../redis/key-layout";
import { currentRequestBudget } from "../redis/request-budget";
import { BoundedBlockCache } from "./ephemeral-cache";
import { LocalRateLimiter } from "./local-rate-limiter";

export interface RateRule {
  requests: number;
  windowSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch ms when the window resets. */
  resetAt: number;
  /** `global`: counted in Redis across isolates; `isolate`: counted here only. */
  scope: "global" | "isolate";
}

type RatelimitRedis = ConstructorParameters<typeof Ratelimit>[0]["redis"];

export interface RateLimiterOptions {
  /** The SDK client; absent in memory-only mode. */
  redis?: RatelimitRedis | undefined;
  breaker: CircuitBreaker;
  /** How long a check may wait on Redis before the per-isolate limiter decides. @default 100 */
  timeoutMs?: number;
  /**
   * Distinct rules (requests per window) kept ready, each one limiter object; tenants choose their
   * rules, so the count is theirs to grow. A forgotten rule's limiter is rebuilt on its next use
   * (its counts live in Redis). @default 1000
   */
  maxRules?: number;
  /** Identifiers remembered as blocked, shared by every rule's limiter. @default 10000 */
  maxBlocked?: number;
  /** Identifiers the per-isolate fallback counts. @default 10000 */
  maxLocalIdentifiers?: number;
  now?: () => number;
}

/**
 * Sliding-window limits counted in Redis by @upstash/ratelimit, with its ephemeral cache so a
 * blocked caller costs no round trip. When Redis is slow or its circuit is open, the decision
 * falls to a per-isolate sliding window: neither fail-open (unlimited during an outage) nor
 * fail-closed (a Redis outage would refuse every request).
 */
export class RateLimiter {
  readonly #redis: RatelimitRedis | undefined;
  readonly #breaker: CircuitBreaker;
  readonly #timeoutMs: number;
  readonly #local: LocalRateLimiter;
  readonly #limiters: LruMap<string, Ratelimit>;
  // Shared by every limiter of this isolate: its keys carry each limiter's prefix, so rules never collide.
  readonly #ephemeralCache: BoundedBlockCache;

  constructor(options: RateLimiterOptions) {
    this.#redis = options.redis;
    this.#breaker = options.breaker;
    this.#timeoutMs = options.timeoutMs ?? 100;
    this.#limiters = new LruMap(options.maxRules ?? 1000);
    this.#ephemeralCache = new BoundedBlockCache(options.maxBlocked ?? 10_000);
    this.#local = new LocalRateLimiter({
      maxKeys: options.maxLocalIdentifiers ?? 10_000,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** Rules with a limiter ready, and identifiers remembered as blocked: both bounded. */
  get sizes(): { rules: number; blocked: number } {
    return { rules: this.#limiters.size, blocked: this.#ephemeralCache.size };
  }

  async check(identifier: string, rule: RateRule): Promise<RateDecision> {
    const limiter = this.#limiterFor(rule);
    // Half-open too: the circuit's one probe belongs to the store call that follows, and a check
    // waiting on a Redis that may still be down would only spend the request's budget.
    if (!limiter || this.#breaker.state !== "closed") return this.#local.check(identifier, rule);
    // The request's Redis budget (request-budget.ts) also bounds this check: the SDK client's
    // signal waits at most what is left of it, and a check that fails spends it, so the store
    // call after it goes straight to its fallback instead of waiting a deadline of its own.
    const budget = currentRequestBudget();
    if (budget && budget.remainingMs() <= 0) return this.#local.check(identifier, rule);
    try {
      const result = await limiter.limit(identifier);
      if (result.reason !== "timeout")
        return { allowed: result.success, limit: result.limit, remaining: result.remaining, resetAt: result.reset, scope: "global" };
    } catch {
      // Falls through to the per-isolate window.
    }
    budget?.fail();
    return this.#local.check(identifier, rule);
  }

  #limiterFor(rule: RateRule): Ratelimit | undefined {
    if (!this.#redis) return undefined;
    const key = `${rule.requests}/${rule.windowSeconds}`;
    let limiter = this.#limiters.get(key);
    if (!limiter) {
      limiter = new Ratelimit({
        redis: this.#redis,
        limiter: Ratelimit.slidingWindow(rule.requests, `${rule.windowSeconds} s`),
        prefix: `${RATE_LIMIT_REDIS_PREFIX}:${key}`,
        ephemeralCache: this.#ephemeralCache,
        timeout: this.#timeoutMs,
        analytics: false,
      });
      this.#limiters.set(key, limiter);
    }
    return limiter;
  }
}
