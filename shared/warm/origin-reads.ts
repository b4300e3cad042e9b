import type { Entry } from "../cache/entry";
import { type EntryKey, memoryKey } from "../cache/keys";
import type { L2Store } from "../cache/l2-store";
import type { TieredStore } from "../cache/tiered-store";
import type { RedisRunner } from "../redis/redis-client";
import { outsideRequestBudget } from "../redis/request-budget";
import { recordAccess } from "./access-counts";
import { OriginTargets } from "./origin-targets";
import { originWrite } from "./plan-runner";
import { type LoadResult, loadFromOrigin, type OriginTarget } from "./read-through";
import { SingleFlight } from "./single-flight";
import type { WarmingTenant } from "./warming-tenant";

export interface OriginReadsOptions {
  /** Redis behind the circuit breaker. */
  redis: RedisRunner;
  l2: L2Store;
  store: TieredStore;
  maxValueBytes: number;
  /** How long a key's origin (or its absence) is reused: how fast a plan edit reaches reads. @default 10000 */
  planCacheMs?: number;
  /** How long a failed origin lookup stops further lookups in this isolate. @default 1500 */
  failureCacheMs?: number;
  /** Keys whose origin lookup is kept per isolate. @default 10000 */
  maxKeys?: number;
  /** Tenants kept as known to have no plans. @default 10000 */
  maxTenants?: number;
  /**
   * How long an in-flight load is joined by other callers: the load's own deadlines (the lease
   * wait, an origin fetch with its retry) plus margin. A leader cancelled mid-load never settles
   * in Workers; past this, the next caller starts a new load. @default 30000
   */
  maxFlightMs?: number;
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
  readonly #flights: SingleFlight<LoadResult>;
  readonly #origins: OriginTargets;

  constructor(options: OriginReadsOptions) {
    this.#options = options;
    this.#flights = new SingleFlight({
      maxFlightMs: options.maxFlightMs ?? 30_000,
      maxFlights: options.maxKeys ?? 10_000,
      ...(options.now ? { now: options.now } : {}),
    });
    this.#origins = new OriginTargets({
      redis: options.redis,
      ...(options.planCacheMs !== undefined ? { cacheMs: options.planCacheMs } : {}),
      ...(options.failureCacheMs !== undefined ? { failureCacheMs: options.failureCacheMs } : {}),
      ...(options.maxKeys !== undefined ? { maxKeys: options.maxKeys } : {}),
      ...(options.maxTenants !== undefined ? { maxTenants: options.maxTenants } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /**
   * Fills a miss from the key's origin. `none`: the key has no origin, or the origin says it has
   * no such resource (404, 410); `failed`: the origin could not be used (an upstream failure).
   */
  async fillMiss(
    key: EntryKey,
    tenant: WarmingTenant,
    waitUntil: WaitUntil,
  ): Promise<{ status: "filled"; entry: Entry } | { status: "none" | "failed" }> {
    const target = await this.#targetFor(key, tenant);
    if (!target) return { status: "none" };
    const result = await this.#load(key, target, tenant, waitUntil, undefined);
    if (result.status === "loaded") return { status: "filled", entry: result.entry };
    if (result.status === "failed" && (result.originStatus === 404 || result.originStatus === 410)) return { status: "none" };
    return { status: "failed" };
  }

  /** Refreshes a stale entry from its origin after the response (stale-while-revalidate). */
  refreshStale(key: EntryKey, current: Entry, tenant: WarmingTenant, waitUntil: WaitUntil): void {
    // Behind the response: per-call deadlines, not what is left of the reader's budget.
    waitUntil(
      outsideRequestBudget(() =>
        this.#targetFor(key, tenant)
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
    tenant: WarmingTenant,
    waitUntil: WaitUntil,
    current: Entry | undefined,
  ): Promise<LoadResult> {
    const { redis, l2, store, maxValueBytes } = this.#options;
    const result = await this.#flights
      .run(
        memoryKey(key),
        () =>
          loadFromOrigin({
            key,
            target,
            runner: redis,
            store: l2,
            isOriginAllowed: tenant.isOriginAllowed,
            maxBytes: maxValueBytes,
            current,
            waitUntil,
          }),
        // A caller that gave up waiting on another caller's load (a slow origin, or a leader whose
        // request was cancelled) answers as an upstream failure, never as an error of its own.
        { waitUntil, fallback: async (): Promise<LoadResult> => ({ status: "timeout" }) },
      )
      .catch((): LoadResult => ({ status: "timeout" }));
    if (result.status === "loaded") store.remember(key, result.entry);
    return result;
  }

  async #targetFor(key: EntryKey, tenant: WarmingTenant): Promise<OriginTarget | undefined> {
    const origin = await this.#origins.originOf(key);
    if (!origin) return undefined;
    return {
      url: origin.url,
      headers: origin.headers,
      // Decided when the entry is written: a time window applies at that moment, a policy by content type.
      lifetimeOf: (contentType, at) => tenant.lifetimeOf(originWrite(origin.plan, { key: key.key, ...origin.target }, contentType, at), at),
      tags: origin.tags,
    };
  }
}
