import { createEntry, type Entry } from "../cache/entry";
import type { EntryKey, TenantId } from "../cache/keys";
import type { L2Store } from "../cache/l2-store";
import type { Operation } from "../cache/store";
import type { RedisRunner } from "../redis/redis-client";
import { takeHotKeys } from "./access-counts";
import { forEachLimited } from "./concurrency";
import { fetchOrigin } from "./origin-fetch";
import { type KeyOrigin, lookupOrigins } from "./origin-index";
import { originWrite } from "./plan-runner";
import type { SubrequestBudget } from "./subrequest-budget";
import { WRITE_BATCH_BYTES } from "./target-warmer";
import type { WarmingTenantFor } from "./warming-tenant";
import { shouldRefreshEarly } from "./xfetch";

export interface RefreshAheadOptions {
  /** Sampled read score a key needs to count as hot. @default 32 (about 32 reads recently) */
  minScore?: number;
  /** Hot keys looked at per tenant per pass. @default 20 */
  keysPerTenant?: number;
  /** Score multiplier after each pass. @default 0.5 */
  decay?: number;
  /** XFetch's delta, the time a refresh takes. @default 1000 */
  deltaMs?: number;
  /** XFetch's beta. @default 1 */
  beta?: number;
  /**
   * Time until a tenant's next pass (its next look in the refresh-due set). XFetch is evaluated
   * at `now + horizonMs`, so a key that would expire before the next pass is always refreshed in
   * this one. @default 60000
   */
  horizonMs?: number;
  random?: () => number;
  timeoutMs?: number;
  retries?: number;
  maxBytes: number;
}

export interface RefreshAheadContext {
  /** The tick's time, against which the tenants' looks were due. */
  at: number;
  runner: RedisRunner;
  store: L2Store;
  budget: SubrequestBudget;
  /** Each tenant's allowed origins and lifetime policies. */
  warmingTenantFor: WarmingTenantFor;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface RefreshAheadSummary {
  hot: number;
  refreshed: number;
  notModified: number;
  failed: number;
  /** Due keys no plan names any more: left to expire. */
  withoutOrigin: number;
}

/**
 * Refreshes, before they expire, the hot keys that came from an origin, of the tenants a tick
 * took from the head of the refresh-due set: one request for those tenants' hot keys (which
 * also moves their next look on), one to read the entries, one for the origins of the keys
 * XFetch picks, their conditional fetches, one write. A refresh is the key's warm write made
 * early: the plan's current URL, headers and tags, and the lifetime such a write gets now (the
 * target's own, the tenant's policy, the plan's time-window rule), not the one it had.
 */
export async function refreshAhead(
  tenants: readonly TenantId[],
  ctx: RefreshAheadContext,
  options: RefreshAheadOptions,
): Promise<RefreshAheadSummary> {
  const summary: RefreshAheadSummary = { hot: 0, refreshed: 0, notModified: 0, failed: 0, withoutOrigin: 0 };
  const now = ctx.now ?? Date.now;
  // The hot-key read, the entry read, the origins' read, one fetch and the write.
  if (tenants.length === 0 || !ctx.budget.canAfford(5)) return summary;
  const hot = (
    await takeHotKeys(ctx.runner, tenants, {
      minScore: options.minScore ?? 32,
      limit: options.keysPerTenant ?? 20,
      decay: options.decay ?? 0.5,
      now: ctx.at,
      nextLookAt: ctx.at + (options.horizonMs ?? 60_000),
    })
  ).flat();
  summary.hot = hot.length;
  if (hot.length === 0 || !ctx.budget.canAfford(4)) return summary;

  const reads = await ctx.store.batch(hot.map((key): Operation => ({ type: "get", key })));
  const due = hot.flatMap((key, i) => {
    const read = reads[i];
    const entry = read?.type === "get" ? read.lookup?.entry : undefined;
    if (!entry?.origin) return [];
    const refresh = shouldRefreshEarly({
      now: now() + (options.horizonMs ?? 60_000),
      freshUntil: entry.freshUntil,
      deltaMs: options.deltaMs ?? 1000,
      beta: options.beta ?? 1,
      ...(options.random ? { random: options.random } : {}),
    });
    return refresh ? [{ key, entry }] : [];
  });
  if (due.length === 0 || !ctx.budget.canAfford(3)) return summary;
  const origins = await lookupOrigins(
    ctx.runner,
    due.map(({ key }) => key),
  );
  const refreshable = due.flatMap(({ key, entry }, i) => {
    const lookup = origins[i];
    if (lookup?.kind === "origin") return [{ key, entry, origin: lookup.origin }];
    summary.withoutOrigin += 1;
    return [];
  });

  // Slices small enough that one write request stays under Upstash's request size limit.
  const sliceSize = Math.max(1, Math.floor(WRITE_BATCH_BYTES / options.maxBytes));
  for (let start = 0; start < refreshable.length && ctx.budget.canAfford(2); start += sliceSize) {
    const writes = await refreshSlice(refreshable.slice(start, start + sliceSize), ctx, options, summary);
    if (writes.length > 0) await ctx.store.batch(writes.map(({ key, entry }): Operation => ({ type: "set", key, entry })));
  }
  return summary;
}

async function refreshSlice(
  due: { key: EntryKey; entry: Entry; origin: KeyOrigin }[],
  ctx: RefreshAheadContext,
  options: RefreshAheadOptions,
  summary: RefreshAheadSummary,
): Promise<{ key: EntryKey; entry: Entry }[]> {
  const now = ctx.now ?? Date.now;
  const writes: { key: EntryKey; entry: Entry }[] = [];
  await forEachLimited(due, 4, async ({ key, entry, origin }) => {
    const warming = await ctx.warmingTenantFor(key.tenant, ctx.budget).catch(() => undefined);
    // The tenant's record could not be read: leave the key to the next pass.
    if (!warming) return;
    const held = entry.origin?.url === origin.url ? entry.origin : undefined;
    const result = await fetchOrigin(
      { url: origin.url, headers: origin.headers, validators: held },
      {
        isOriginAllowed: warming.isOriginAllowed,
        maxBytes: options.maxBytes,
        ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        ...(options.retries !== undefined ? { retries: options.retries } : {}),
        // Each attempt leaves the slice's write affordable.
        takeSubrequest: () => ctx.budget.tryTake(1, 1),
        ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
      },
    );
    if ((result.kind !== "ok" && result.kind !== "not-modified") || (result.kind === "not-modified" && !held)) {
      if (result.kind !== "deferred") summary.failed += 1;
      return;
    }
    const validators = {
      url: origin.url,
      ...((result.etag ?? held?.etag) ? { etag: result.etag ?? held?.etag } : {}),
      ...((result.lastModified ?? held?.lastModified) ? { lastModified: result.lastModified ?? held?.lastModified } : {}),
    };
    const body =
      result.kind === "ok"
        ? { value: result.value, contentType: result.contentType }
        : { value: entry.value, contentType: entry.contentType };
    const at = now();
    const lifetime = warming.lifetimeOf(originWrite(origin.plan, { key: key.key, ...origin.target }, body.contentType, at), at);
    writes.push({ key, entry: await createEntry({ ...body, ...lifetime, tags: origin.tags, origin: validators }, at) });
    if (result.kind === "ok") summary.refreshed += 1;
    else summary.notModified += 1;
  });
  return writes;
}
