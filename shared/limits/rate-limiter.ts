import { LruMap } from "../lru-map";
import type { CircuitBreaker } from "../redis/circuit-breaker";
import { RATE_LIMIT_REDIS_PREFIX } from "../redis/key-layout";
import type { RedisRunner } from "../redis/redis-client";
import { currentRequestBudget } from "../redis/request-budget";
import { runCalls } from "../redis/script-runner";
import { LocalRateLimiter } from "./local-rate-limiter";
import { rateLeaseScript } from "./rate-lease-script";

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

export interface RateLimiterOptions {
  /** Runs the lease script, its deadline RATE_LIMIT_TIMEOUT_MS; absent in memory-only mode. */
  runner?: RedisRunner | undefined;
  breaker: CircuitBreaker;
  /** (identifier, rule) pairs whose leases this isolate keeps; a forgotten lease is a few unused requests. @default 10000 */
  maxLeases?: number;
  /** Identifiers the per-isolate fallback counts. @default 10000 */
  maxLocalIdentifiers?: number;
  /** The largest share of a window's limit one lease takes. @default 0.1 */
  maxLeaseShare?: number;
  /** How long a lease being asked for makes concurrent requests ask for one only. @default 1000 */
  leaseTimeoutMs?: number;
  now?: () => number;
}

/** What this isolate holds of one identifier's limit under one rule. */
interface Lease {
  /** The fixed window (its index since the epoch) it was granted in. */
  window: number;
  /** Requests granted and not admitted yet. */
  available: number;
  /** Requests admitted from leases in this window, by this isolate. */
  admitted: number;
  /** The limit left in Redis after the last lease, other isolates' leases counted. */
  remaining: number;
  /** When Redis refused: until then (epoch ms) refused without asking again. 0 otherwise. */
  blockedUntil: number;
  /**
   * A lease is being asked for until then (epoch ms): requests arriving meanwhile ask for one
   * each, so concurrent requests never lease many times what the isolate uses. Expires on its own
   * if the asking request is cancelled.
   */
  leasingUntil: number;
}

/**
 * Sliding-window limits counted in Redis, in leases: an isolate takes several requests of a
 * window's limit in one command and admits them from memory. Each lease asks for as many as the
 * isolate admitted in the window so far (one to start, at most `maxLeaseShare` of the limit), so
 * leases double while the isolate uses them and a window of N requests costs about log2(N)
 * commands, not N (bench/COMMANDS.md). The limit is never exceeded: every lease is counted in
 * Redis before it is used. The price is exactness across isolates: what an isolate leased and
 * did not use, at most what it admitted in that window, is refused to the others until the window
 * slides past it. A refused lease blocks the identifier here until the window resets, so a
 * blocked caller costs no round trip either. When Redis is slow or its circuit is open, the
 * decision falls to a per-isolate sliding window: neither fail-open (unlimited during an outage)
 * nor fail-closed (a Redis outage would refuse every request).
 */
export class RateLimiter {
  readonly #runner: RedisRunner | undefined;
  readonly #breaker: CircuitBreaker;
  readonly #local: LocalRateLimiter;
  readonly #leases: LruMap<string, Lease>;
  readonly #maxLeaseShare: number;
  readonly #leaseTimeoutMs: number;
  readonly #now: () => number;

  constructor(options: RateLimiterOptions) {
    this.#runner = options.runner;
    this.#breaker = options.breaker;
    this.#leases = new LruMap(options.maxLeases ?? 10_000);
    this.#maxLeaseShare = options.maxLeaseShare ?? 0.1;
    this.#leaseTimeoutMs = options.leaseTimeoutMs ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#local = new LocalRateLimiter({
      maxKeys: options.maxLocalIdentifiers ?? 10_000,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** Leases held (blocks included): bounded. */
  get sizes(): { leases: number } {
    return { leases: this.#leases.size };
  }

  async check(identifier: string, rule: RateRule): Promise<RateDecision> {
    const now = this.#now();
    const windowMs = rule.windowSeconds * 1000;
    const window = Math.floor(now / windowMs);
    const resetAt = (window + 1) * windowMs;
    const name = `${RATE_LIMIT_REDIS_PREFIX}:${rule.requests}/${rule.windowSeconds}:${identifier}`;
    const lease = this.#leases.get(name);
    if (lease && now < lease.blockedUntil) return refused(rule, lease.blockedUntil);
    const current = lease?.window === window ? lease : undefined;
    if (current && current.available > 0) return admit(rule, current, resetAt);
    // Half-open too: the circuit's one probe belongs to the store call that follows, and a check
    // waiting on a Redis that may still be down would only spend the request's budget.
    if (!this.#runner || this.#breaker.state !== "closed") return this.#local.check(identifier, rule);
    // The request's Redis budget (request-budget.ts) also bounds this check: the client's signal
    // waits at most what is left of it, and a check that fails spends it, so the store call after
    // it goes straight to its fallback instead of waiting a deadline of its own.
    const budget = currentRequestBudget();
    if (budget && budget.remainingMs() <= 0) return this.#local.check(identifier, rule);
    const most = Math.max(1, Math.floor(rule.requests * this.#maxLeaseShare));
    const asking = current ?? { window, available: 0, admitted: 0, remaining: rule.requests, blockedUntil: 0, leasingUntil: 0 };
    const ask = now < asking.leasingUntil ? 1 : Math.min(most, Math.max(1, asking.admitted));
    asking.leasingUntil = now + this.#leaseTimeoutMs;
    this.#leases.set(name, asking);
    try {
      const [reply] = await runCalls(this.#runner, [
        {
          script: rateLeaseScript,
          keys: [`${name}:${window}`, `${name}:${window - 1}`],
          args: [String(rule.requests), String(now), String(windowMs), String(ask)],
        },
      ]);
      if (reply?.ok && Array.isArray(reply.value)) {
        const [granted, used] = reply.value.map(Number) as [number, number];
        // Another request of this isolate may have leased meanwhile: what it holds stays usable.
        const meanwhile = this.#leases.peek(name);
        const held = meanwhile?.window === window ? meanwhile : undefined;
        const next: Lease = {
          window,
          available: granted + (held?.available ?? 0),
          admitted: held?.admitted ?? 0,
          remaining: Math.max(0, rule.requests - used),
          blockedUntil: 0,
          leasingUntil: 0,
        };
        if (next.available === 0) next.blockedUntil = resetAt;
        this.#leases.set(name, next);
        return next.available > 0 ? admit(rule, next, resetAt) : refused(rule, resetAt);
      }
    } catch {
      // Falls through to the per-isolate window.
    }
    budget?.fail();
    return this.#local.check(identifier, rule);
  }
}

function admit(rule: RateRule, lease: Lease, resetAt: number): RateDecision {
  lease.available--;
  lease.admitted++;
  // What this isolate still holds is this caller's too.
  const remaining = Math.min(rule.requests, lease.remaining + lease.available);
  return { allowed: true, limit: rule.requests, remaining, resetAt, scope: "global" };
}

function refused(rule: RateRule, resetAt: number): RateDecision {
  return { allowed: false, limit: rule.requests, remaining: 0, resetAt, scope: "global" };
}
