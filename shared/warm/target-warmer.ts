import { createEntry, type Entry } from "../cache/entry";
import type { TenantId } from "../cache/keys";
import type { L2Store } from "../cache/l2-store";
import type { Operation, OperationResult } from "../cache/store";
import { forEachLimited } from "./concurrency";
import { fetchOrigin, type OriginResult } from "./origin-fetch";
import type { IsOriginAllowed } from "./origin-policy";
import type { WarmTarget } from "./plan-schema";
import type { SubrequestBudget } from "./subrequest-budget";

/** Raw bytes fetched per write request, kept well under Upstash's 10 MB request limit after base64. */
export const WRITE_BATCH_BYTES = 6 * 1024 * 1024;

export interface FetchLimits {
  concurrency: number;
  retries: number;
  timeoutMs: number;
  maxBytes: number;
  refreshWithinSeconds?: number | undefined;
}

export interface WarmBatchContext {
  tenant: TenantId;
  /** Writes and reads L2 through a budgeted runner. */
  store: L2Store;
  budget: SubrequestBudget;
  isOriginAllowed: IsOriginAllowed;
  limits: FetchLimits;
  /** Subrequests that must stay available after this batch's write (to finish the run). */
  keepAfter: number;
  /** TTL and swr in seconds for a target's value of this content type, decided when it is written. */
  lifetimeOf(target: WarmTarget, contentType: string, now: number): { ttlSeconds: number; swrSeconds: number };
  now: () => number;
  fetch?: typeof fetch;
  backoffMs?: number;
}

export type TargetOutcome =
  | { kind: "ok" | "notModified"; bytes: number }
  | { kind: "failed"; reason: string; status?: number }
  | { kind: "skipped"; reason: string }
  /** Not done in this batch (budget or batch size): resumed from the cursor. */
  | { kind: "pending" };

/**
 * Warms up to a batch of targets in three steps: one pipelined read of what L2 holds (its
 * validators make fetches conditional), the origin fetches, one pipelined write. A 304 re-sets
 * the copy already read with new times, so an unchanged origin is never downloaded again.
 */
export async function warmBatch(targets: readonly WarmTarget[], ctx: WarmBatchContext): Promise<TargetOutcome[]> {
  const reads = await ctx.store.batch(targets.map((target): Operation => ({ type: "get", key: { tenant: ctx.tenant, key: target.key } })));
  const held = reads.map((read) => (read.type === "get" ? read.lookup?.entry : undefined));
  const outcomes: TargetOutcome[] = targets.map(() => ({ kind: "pending" }));
  const writes: PendingWrite[] = [];
  let reservedBytes = 0;
  let stopped = false;

  await forEachLimited(targets, ctx.limits.concurrency, async (target, index) => {
    const current = held[index];
    const now = ctx.now();
    if (ctx.limits.refreshWithinSeconds !== undefined && current && current.freshUntil - now > ctx.limits.refreshWithinSeconds * 1000) {
      outcomes[index] = { kind: "skipped", reason: "fresh" };
      return;
    }
    // Once one target waits, later ones wait too, so the cursor (the first pending) loses nothing.
    if (stopped || (reservedBytes > 0 && reservedBytes + ctx.limits.maxBytes > WRITE_BATCH_BYTES)) {
      stopped = true;
      return;
    }
    reservedBytes += ctx.limits.maxBytes;
    const result = await fetchOrigin(
      { url: target.url, headers: target.headers, validators: current?.origin?.url === target.url ? current.origin : undefined },
      {
        isOriginAllowed: ctx.isOriginAllowed,
        timeoutMs: ctx.limits.timeoutMs,
        retries: ctx.limits.retries,
        maxBytes: ctx.limits.maxBytes,
        // Every attempt leaves room for this batch's write and what must follow it.
        takeSubrequest: () => ctx.budget.tryTake(1, 1 + ctx.keepAfter),
        ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
        ...(ctx.backoffMs !== undefined ? { backoffMs: ctx.backoffMs } : {}),
      },
    );
    reservedBytes -= ctx.limits.maxBytes - (result.kind === "ok" ? result.value.byteLength : 0);
    if (result.kind === "deferred") stopped = true;
    const built = await entryFor(target, result, current, ctx);
    outcomes[index] = built.outcome;
    if (built.entry) writes.push({ index, key: target.key, entry: built.entry });
  });

  if (writes.length > 0) await write(writes, outcomes, ctx);
  return outcomes;
}

async function entryFor(
  target: WarmTarget,
  result: OriginResult,
  current: Entry | undefined,
  ctx: WarmBatchContext,
): Promise<{ outcome: TargetOutcome; entry?: Entry }> {
  const now = ctx.now();
  const lifetimeOf = (contentType: string) => ctx.lifetimeOf(target, contentType, now);
  switch (result.kind) {
    case "ok": {
      const origin = {
        url: target.url,
        ...(result.etag ? { etag: result.etag } : {}),
        ...(result.lastModified ? { lastModified: result.lastModified } : {}),
      };
      const entry = await createEntry(
        { value: result.value, contentType: result.contentType, ...lifetimeOf(result.contentType), tags: target.tags, origin },
        now,
      );
      return { outcome: { kind: "ok", bytes: result.value.byteLength }, entry };
    }
    case "not-modified": {
      if (!current) return { outcome: { kind: "failed", reason: "status", status: 304 } };
      const origin = {
        url: target.url,
        ...((result.etag ?? current.origin?.etag) ? { etag: result.etag ?? current.origin?.etag } : {}),
        ...((result.lastModified ?? current.origin?.lastModified)
          ? { lastModified: result.lastModified ?? current.origin?.lastModified }
          : {}),
      };
      const entry = await createEntry(
        { value: current.value, contentType: current.contentType, ...lifetimeOf(current.contentType), tags: target.tags, origin },
        now,
      );
      return { outcome: { kind: "notModified", bytes: 0 }, entry };
    }
    case "failed":
      return { outcome: { kind: "failed", reason: result.reason, ...(result.status ? { status: result.status } : {}) } };
    case "skipped":
      return { outcome: { kind: "skipped", reason: result.reason } };
    case "deferred":
      return { outcome: { kind: "pending" } };
  }
}

interface PendingWrite {
  index: number;
  key: string;
  entry: Entry;
}

async function write(writes: PendingWrite[], outcomes: TargetOutcome[], ctx: WarmBatchContext): Promise<void> {
  let results: OperationResult[];
  try {
    results = await ctx.store.batch(writes.map(({ key, entry }): Operation => ({ type: "set", key: { tenant: ctx.tenant, key }, entry })));
  } catch {
    for (const { index } of writes) outcomes[index] = { kind: "failed", reason: "store_unavailable" };
    return;
  }
  writes.forEach(({ index }, i) => {
    if (results[i]?.type !== "set") outcomes[index] = { kind: "failed", reason: "store_unavailable" };
  });
}
