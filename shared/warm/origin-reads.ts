import type { Entry } from "../cache/entry";
import { type EntryKey, memoryKey, type TenantId } from "../cache/keys";
import type { RedisRunner } from "../cache/redis-client";
import { outsideRequestBudget } from "../cache/request-budget";
import type { TieredStore } from "../cache/tiered-store";
import type { UpstashStore } from "../cache/upstash-store";
import type { TenantRecord } from "../tenants/tenant-record";
import { recordAccess } from "./access-counts";
import { tenantOriginCheck } from "./origin-policy";
import { lifetimeOf } from "./plan-runner";
import { expandTargets, type WarmPlan } from "./plan-schema";
import { listPlans } from "./plan-store";
import { type LoadResult, loadFromOrigin, type OriginTarget } from "./read-through";
import { SingleFlight } from "./single-flight";

export interface OriginReadsOptions {
  /** Redis behind the circuit breaker. */
  redis: RedisRunner;
  l2: UpstashStore;
  store: TieredStore;
  maxValueBytes: number;
  allowPrivateHosts: boolean;
  /** How long a tenant's key → origin index is reused: how fast a plan edit reaches reads. @default 10000 */
  planCacheMs?: number;
  /** Tenants whose index is kept per isolate. @default 1000 */
  maxTenants?: number;
  now?: () => number;
}

type WaitUntil = (promise: Promise<unknown>) => void;

/**
 * Read-through for keys that have an origin (a target of one of the tenant's warm plans): a miss
 * is filled from the origin, a stale hit is served and refreshed behind the response. Inside an
 * isolate concurrent callers share one load; across isolates the origin lease makes N misses one
 * origin fetch (read-through.ts).
 */
export class OriginReads {
  readonly #options: OriginReadsOptions;
  readonly #flights = new SingleFlight<LoadResult>();
  readonly #indexes = new Map<TenantId, { at: number; targets: Map<string, OriginTarget> }>();

  constructor(options: OriginReadsOptions) {
    this.#options = options;
  }

  /**
   * Fills a miss from the key's origin. `none`: the key has no origin, or the origin says it has
   * no such resource (404, 410); `failed`: the origin could not be used (an upstream failure).
   */
  async fillMiss(
    key: EntryKey,
    tenant: TenantRecord,
    waitUntil: WaitUntil,
  ): Promise<{ status: "filled"; entry: Entry } | { status: "none" | "failed" }> {
    const target = await this.#targetFor(key);
    if (!target) return { status: "none" };
    const result = await this.#load(key, target, tenant, waitUntil, undefined);
    if (result.status === "loaded") return { status: "filled", entry: result.entry };
    if (result.status === "failed" && (result.originStatus === 404 || result.originStatus === 410)) return { status: "none" };
    return { status: "failed" };
  }

  /** Refreshes a stale entry from its origin after the response (stale-while-revalidate). */
  refreshStale(key: EntryKey, current: Entry, tenant: TenantRecord, waitUntil: WaitUntil): void {
    // Behind the response: per-call deadlines, not what is left of the reader's budget.
    waitUntil(
      outsideRequestBudget(() =>
        this.#targetFor(key)
          .then((target) => (target ? this.#load(key, target, tenant, waitUntil, current) : undefined))
          .catch(() => undefined),
      ),
    );
  }

  /** Sampled read counts for refresh-ahead; most reads cost nothing. */
  noteRead(key: EntryKey, waitUntil: WaitUntil): void {
    waitUntil(outsideRequestBudget(() => recordAccess(this.#options.redis, key).catch(() => false)));
  }

  async #load(
    key: EntryKey,
    target: OriginTarget,
    tenant: TenantRecord,
    waitUntil: WaitUntil,
    current: Entry | undefined,
  ): Promise<LoadResult> {
    const { redis, l2, store, maxValueBytes, allowPrivateHosts } = this.#options;
    const result = await this.#flights.run(
      memoryKey(key),
      () =>
        loadFromOrigin({
          key,
          target,
          runner: redis,
          store: l2,
          isOriginAllowed: tenantOriginCheck(tenant, { allowPrivateHosts }),
          maxBytes: maxValueBytes,
          current,
          waitUntil,
        }),
      { waitUntil },
    );
    if (result.status === "loaded") store.remember(key, result.entry);
    return result;
  }

  async #targetFor(key: EntryKey): Promise<OriginTarget | undefined> {
    const now = (this.#options.now ?? Date.now)();
    let index = this.#indexes.get(key.tenant);
    if (!index || now - index.at >= (this.#options.planCacheMs ?? 10_000)) {
      // Plans unreadable (Redis failing): no origin for now, rather than failing a plain miss.
      const plans = await listPlans(this.#options.redis, key.tenant).catch(() => undefined);
      if (!plans) return index?.targets.get(key.key);
      index = { at: now, targets: indexTargets(plans, now) };
      this.#indexes.delete(key.tenant);
      this.#indexes.set(key.tenant, index);
      if (this.#indexes.size > (this.#options.maxTenants ?? 1000)) {
        const oldest = this.#indexes.keys().next().value;
        if (oldest !== undefined) this.#indexes.delete(oldest);
      }
    }
    return index.targets.get(key.key);
  }
}

function indexTargets(plans: readonly WarmPlan[], now: number): Map<string, OriginTarget> {
  const targets = new Map<string, OriginTarget>();
  // Higher priority plans win a key that several plans name.
  for (const plan of [...plans].sort((a, b) => a.priority - b.priority)) {
    for (const target of expandTargets(plan)) {
      const { ttlSeconds, swrSeconds } = lifetimeOf(plan, target, now);
      targets.set(target.key, { url: target.url, headers: target.headers, ttlSeconds, swrSeconds, tags: target.tags });
    }
  }
  return targets;
}
