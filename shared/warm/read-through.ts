import { decodeEntry } from "../cache/codec";
import { createEntry, type Entry, isFresh } from "../cache/entry";
import type { EntryKey } from "../cache/keys";
import type { L2Store } from "../cache/l2-store";
import { getEntryScript } from "../cache/upstash/entry-scripts";
import type { Lifetime } from "../lifetimes/lifetime-policy";
import { entryRedisKey, metaRedisKey, originLeaseRedisKey } from "../redis/key-layout";
import type { RedisRunner } from "../redis/redis-client";
import { notRedisTime, outsideRequestBudget } from "../redis/request-budget";
import { runCalls } from "../redis/script-runner";
import { acquireCall, type Lease, newLease, releaseLease } from "./lease";
import { fetchOrigin, type OriginFailure } from "./origin-fetch";
import type { IsOriginAllowed } from "./origin-policy";

export interface OriginTarget {
  url: string;
  headers?: Record<string, string>;
  /** The lifetime of the value written at `at`: decided when it is written, by what it turned out to be. */
  lifetimeOf(contentType: string, at: number): Lifetime;
  tags?: readonly string[];
}

export interface LoadFromOriginOptions {
  key: EntryKey;
  target: OriginTarget;
  /** Takes the cross-isolate origin lease. */
  runner: RedisRunner;
  /** L2, where the entry is written and where callers without the lease look for it. */
  store: L2Store;
  isOriginAllowed: IsOriginAllowed;
  maxBytes: number;
  /** A stale copy held: its validators make the fetch conditional and a 304 re-sets it. */
  current?: Entry | undefined;
  /** @default 5000 */
  timeoutMs?: number;
  /** @default 1 */
  retries?: number;
  /** Origin lease length, longer than a fetch with its retries can take. @default 15000 */
  leaseTtlMs?: number;
  /** How long a caller without the lease polls L2 for the leader's entry. @default 3000 */
  waitMs?: number;
  /** First poll delay; each next one doubles. @default 50 */
  pollMs?: number;
  /** Releases the lease after the response instead of before it. */
  waitUntil?: (promise: Promise<unknown>) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export type LoadResult =
  | { status: "loaded"; entry: Entry; source: "origin" | "l2" }
  | { status: "failed"; reason: OriginFailure | "not_allowed"; originStatus?: number }
  /** Another isolate holds the lease and wrote nothing within `waitMs`. */
  | { status: "timeout" };

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Fills one key from its origin into L2 so that, across isolates, concurrent misses make one
 * origin fetch: whoever takes the key's origin lease fetches and writes; the others poll L2
 * briefly and read what it wrote. Taking the lease and reading L2 is one request, so a caller
 * arriving just after the leader finished reads the entry instead of fetching again. Pair it
 * with SingleFlight so callers inside one isolate share one call.
 *
 * On a request's path its Redis calls share the request's budget (request-budget.ts); the
 * origin fetch and the pauses between polls do not spend it.
 */
export async function loadFromOrigin(options: LoadFromOriginOptions): Promise<LoadResult> {
  const now = options.now ?? Date.now;
  const first = await claim(options).catch(() => undefined);
  // Redis unreachable: nothing to coordinate with, and the origin may still answer.
  if (!first) return fetchAndStore(options, undefined);
  if (first.entry && isFresh(first.entry, now())) {
    if (first.lease) await release(options, first.lease);
    return { status: "loaded", entry: first.entry, source: "l2" };
  }
  if (first.lease) return fetchAndStore(options, first.lease);

  const deadline = now() + (options.waitMs ?? 3000);
  for (let delay = options.pollMs ?? 50; now() + delay <= deadline; delay *= 2) {
    await notRedisTime((options.sleep ?? sleepFor)(delay));
    const lookup = await options.store.get(options.key).catch(() => undefined);
    if (lookup && isFresh(lookup.entry, now())) return { status: "loaded", entry: lookup.entry, source: "l2" };
  }
  // The leader may have died without writing: its lease expires, and one waiter takes over.
  const last = await claim(options).catch(() => undefined);
  if (last?.entry && isFresh(last.entry, now())) {
    if (last.lease) await release(options, last.lease);
    return { status: "loaded", entry: last.entry, source: "l2" };
  }
  return last?.lease ? fetchAndStore(options, last.lease) : { status: "timeout" };
}

async function claim(options: LoadFromOriginOptions): Promise<{ lease: Lease | undefined; entry: Entry | undefined }> {
  const lease = newLease(originLeaseRedisKey(options.key));
  const [taken, read] = await runCalls(options.runner, [
    acquireCall(lease, options.leaseTtlMs ?? 15_000),
    { script: getEntryScript, keys: [entryRedisKey(options.key), metaRedisKey(options.key.tenant)], args: ["0"] },
  ]);
  if (!taken?.ok) throw new Error("origin lease request failed");
  const raw = read?.ok && typeof read.value === "string" ? read.value : undefined;
  const entry = raw ? await decodeEntry(raw).catch(() => undefined) : undefined;
  return { lease: Number(taken.value) === 1 ? lease : undefined, entry };
}

async function fetchAndStore(options: LoadFromOriginOptions, lease: Lease | undefined): Promise<LoadResult> {
  const now = options.now ?? Date.now;
  const { target, current } = options;
  try {
    // The origin's time is not Redis time: on a request's path it does not spend its budget.
    const result = await notRedisTime(
      fetchOrigin(
        { url: target.url, headers: target.headers, validators: current?.origin?.url === target.url ? current.origin : undefined },
        {
          isOriginAllowed: options.isOriginAllowed,
          maxBytes: options.maxBytes,
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
          ...(options.retries !== undefined ? { retries: options.retries } : {}),
          ...(options.fetch ? { fetch: options.fetch } : {}),
        },
      ),
    );
    if (result.kind === "failed")
      return { status: "failed", reason: result.reason, ...(result.status ? { originStatus: result.status } : {}) };
    if (result.kind === "skipped") return { status: "failed", reason: result.reason };
    if (result.kind === "deferred") return { status: "failed", reason: "network" };
    if (result.kind === "not-modified" && !current) return { status: "failed", reason: "status" };
    const body = result.kind === "ok" ? { value: result.value, contentType: result.contentType } : (current as Entry);
    const etag = result.etag ?? (result.kind === "not-modified" ? current?.origin?.etag : undefined);
    const lastModified = result.lastModified ?? (result.kind === "not-modified" ? current?.origin?.lastModified : undefined);
    const at = now();
    const entry = await createEntry(
      {
        value: body.value,
        contentType: body.contentType,
        ...target.lifetimeOf(body.contentType, at),
        tags: target.tags ?? [],
        origin: { url: target.url, ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) },
      },
      at,
    );
    const stored = await options.store.set(options.key, entry).catch(() => undefined);
    return { status: "loaded", entry: stored?.status === "stored" ? stored.entry : entry, source: "origin" };
  } finally {
    if (lease) await release(options, lease);
  }
}

/** After the write, so waiters find the entry rather than a free lease; off the response path when it can be. */
async function release(options: LoadFromOriginOptions, lease: Lease): Promise<void> {
  // Not bound by a request's budget: a lease left held would stall other isolates' reads until it expires.
  const released = outsideRequestBudget(() => releaseLease(options.runner, lease).catch(() => false));
  if (options.waitUntil) options.waitUntil(released);
  else await released;
}
