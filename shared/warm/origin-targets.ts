import { type EntryKey, memoryKey, type TenantId } from "../cache/keys";
import { LruMap } from "../lru-map";
import type { RedisRunner } from "../redis/redis-client";
import { RequestBudgetError } from "../redis/request-budget";
import { type KeyOrigin, lookupOrigin } from "./origin-index";

export interface OriginTargetsOptions {
  /** Redis behind the circuit breaker. */
  redis: RedisRunner;
  /** How long a key's lookup (an origin, or none) is reused: how fast a plan edit reaches reads. @default 10000 */
  cacheMs?: number;
  /** How long, after a lookup failed, this isolate asks Redis no more (a failing Redis is not asked on every miss). @default 1500 */
  failureCacheMs?: number;
  /** Keys whose lookup is kept. @default 10000 */
  maxKeys?: number;
  /** Tenants kept as known to have no plans. @default 10000 */
  maxTenants?: number;
  now?: () => number;
}

/**
 * Which keys have an origin, as this isolate knows it: one small lookup per key (origin-index.ts),
 * its answer reused for `cacheMs`, positive or negative. A tenant found to have no plans at all
 * costs no lookup for any of its keys for `cacheMs`. Both maps are bounded (least recently used
 * dropped first), so many tenants or keys cannot grow the isolate's memory.
 */
export class OriginTargets {
  readonly #redis: RedisRunner;
  readonly #cacheMs: number;
  readonly #failureCacheMs: number;
  readonly #now: () => number;
  // Expired answers stay until evicted: while lookups fail, the last one known is still used.
  readonly #keys: LruMap<string, { origin: KeyOrigin | null; expiresAt: number }>;
  readonly #tenantsWithoutPlans: LruMap<TenantId, number>;
  #failedUntil = 0;

  constructor(options: OriginTargetsOptions) {
    this.#redis = options.redis;
    this.#cacheMs = options.cacheMs ?? 10_000;
    this.#failureCacheMs = options.failureCacheMs ?? 1500;
    this.#now = options.now ?? Date.now;
    this.#keys = new LruMap(options.maxKeys ?? 10_000);
    this.#tenantsWithoutPlans = new LruMap(options.maxTenants ?? 10_000);
  }

  /** The key's origin, if a plan names it. While lookups fail, the last answer known (or none). */
  async originOf(key: EntryKey): Promise<KeyOrigin | undefined> {
    const now = this.#now();
    const id = memoryKey(key);
    const known = this.#keys.get(id);
    if (known && known.expiresAt > now) return known.origin ?? undefined;
    if ((this.#tenantsWithoutPlans.get(key.tenant) ?? 0) > now) return undefined;
    if (now < this.#failedUntil) return known?.origin ?? undefined;
    let lookup: Awaited<ReturnType<typeof lookupOrigin>>;
    try {
      lookup = await lookupOrigin(this.#redis, key);
    } catch (error) {
      // A request whose own Redis budget ran out says nothing about Redis: only real failures pause lookups.
      if (!(error instanceof RequestBudgetError)) this.#failedUntil = now + this.#failureCacheMs;
      return known?.origin ?? undefined;
    }
    if (lookup.kind === "no_plans") {
      this.#tenantsWithoutPlans.set(key.tenant, now + this.#cacheMs);
      return undefined;
    }
    const origin = lookup.kind === "origin" ? lookup.origin : null;
    this.#keys.set(id, { origin, expiresAt: now + this.#cacheMs });
    return origin ?? undefined;
  }
}
