import type { EntryKey, TenantId } from "../../cache/keys";
import type { RecordCopyL2, StoredRecord } from "../../cache/l2-store";
import { metaRedisKey, parseEntryRedisKey, prefixLengthsRedisKey, tagTimesRedisKey } from "../../redis/key-layout";
import type { RedisReply, RedisRunner } from "../../redis/redis-client";
import { runCalls } from "../../redis/script-runner";
import { budgetedRunner, type SubrequestBudget } from "../../warm/subrequest-budget";
import { type BackfillState, parseBackfillState } from "./backfill-state";
import {
  dumpKeysScript,
  mergeKeysScript,
  reconcileKeysScript,
  releaseLeaseScript,
  saveStateScript,
  syncWatermarksScript,
  takeLeaseScript,
} from "./control-copy-scripts";
import { BACKFILL_LEASE_KEY, BACKFILL_STATE_KEY, MIGRATION_KEY_PREFIX, RESYNC_FLAG_KEY } from "./migration-keys";
import { takeResyncScript } from "./resync-flag";

export interface BackfillDatabases {
  current: { runner: RedisRunner; store: RecordCopyL2 };
  next: { runner: RedisRunner; store: RecordCopyL2 };
}

export interface BackfillOptions {
  budget: SubrequestBudget;
  /** Keys asked of each SCAN step. @default 100 */
  pageSize?: number;
  /** The L2's request limit (L2_MAX_REQUEST_BYTES): copies go in requests of half of it. @default 10_000_000 */
  maxRequestBytes?: number;
  /** How long one invocation holds the backfill. @default 60_000 */
  leaseMs?: number;
  now?: () => number;
}

export type BackfillRun = { status: "busy" } | { status: "ran"; pages: number; state: BackfillState };

// A page of small values: SCAN, watermarks (2), control keys (dump, merge, dump again, reconcile),
// entries (a read, a write), the saved state. Larger values take more requests (each carries at
// most half the request limit); a page the budget cannot finish is begun again by the next
// invocation (copies are idempotent).
const REQUESTS_PER_PAGE = 10;

/**
 * Copies what the database moved from holds into the new one, one SCAN page after another, from
 * the cursor the last invocation left (kept in the new database). Entries keep their remaining
 * lifetime and never replace a newer one (write-record); the control plane is merged
 * (control-copy-scripts.ts); records that only make sense where they were made (leases, flush
 * markers, rate-limit windows, storage accounting, which the new database keeps for itself) are
 * left. A pass that ends while a write has missed the new database since it began starts again.
 */
export async function runBackfill(databases: BackfillDatabases, options: BackfillOptions): Promise<BackfillRun> {
  const now = options.now ?? Date.now;
  const current = budgetedRunner(databases.current.runner, options.budget);
  const next = budgetedRunner(databases.next.runner, options.budget);
  const holder = crypto.randomUUID();
  const [lease, stateReply] = await runCalls(next, [
    { script: takeLeaseScript, keys: [BACKFILL_LEASE_KEY], args: [holder, String(options.leaseMs ?? 60_000)] },
    { op: "hgetall", key: BACKFILL_STATE_KEY },
  ]);
  if (!lease?.ok || Number(lease.value) !== 1) return { status: "busy" };
  let state = parseBackfillState(stateReply?.ok ? stateReply.value : undefined);
  let pages = 0;
  try {
    if (state.done) {
      if (!(await takeResync(current))) return { status: "ran", pages, state };
      state = { ...state, done: false, cursor: "0" };
      await save(next, { done: "0", cursor: "0" });
    }
    const stores = {
      current: databases.current.store.through((runner) => budgetedRunner(runner, options.budget)),
      next: databases.next.store.through((runner) => budgetedRunner(runner, options.budget)),
    };
    while (options.budget.canAfford(REQUESTS_PER_PAGE)) {
      const [scan] = await current.run([{ op: "scan", cursor: state.cursor, match: "*", count: options.pageSize ?? 200 }]);
      const [cursor, keys] = scanReply(scan);
      const counts = await copyPage(keys, {
        current,
        next,
        currentStore: stores.current,
        nextStore: stores.next,
        maxWriteBytes: Math.floor((options.maxRequestBytes ?? 10_000_000) / 2),
      });
      pages++;
      const finished = cursor === "0";
      // A write that missed the new database during this pass: go round again.
      const again = finished && (await takeResync(current));
      const update: Record<string, string> = {
        cursor: finished ? "0" : cursor,
        "add:copied": String(counts.copied),
        "add:skippedNewer": String(counts.newer),
        "add:hidden": String(counts.hidden),
        "add:failed": String(counts.failed),
        "add:controlKeys": String(counts.control),
        updatedAt: String(now()),
      };
      if (finished) update["add:passes"] = "1";
      if (finished && !again) update.done = "1";
      await save(next, update);
      state = {
        ...state,
        cursor: update.cursor as string,
        copied: state.copied + counts.copied,
        skippedNewer: state.skippedNewer + counts.newer,
        hidden: state.hidden + counts.hidden,
        failed: state.failed + counts.failed,
        controlKeys: state.controlKeys + counts.control,
        passes: state.passes + (finished ? 1 : 0),
        done: finished && !again,
        updatedAt: now(),
      };
      if (state.done) break;
    }
    return { status: "ran", pages, state };
  } finally {
    await runCalls(databases.next.runner, [{ script: releaseLeaseScript, keys: [BACKFILL_LEASE_KEY], args: [holder] }]).catch(
      () => undefined,
    );
  }
}

interface PageCounts {
  copied: number;
  newer: number;
  hidden: number;
  failed: number;
  control: number;
}

interface PageSides {
  current: RedisRunner;
  next: RedisRunner;
  currentStore: RecordCopyL2;
  nextStore: RecordCopyL2;
  maxWriteBytes: number;
}

async function copyPage(keys: string[], sides: PageSides): Promise<PageCounts> {
  const counts: PageCounts = { copied: 0, newer: 0, hidden: 0, failed: 0, control: 0 };
  const entries: EntryKey[] = [];
  const control: string[] = [];
  const tenants = new Set<TenantId>();
  for (const key of keys) {
    const entry = parseEntryRedisKey(key);
    const watermarks = WATERMARK_KEY.exec(key);
    if (entry) entries.push(entry);
    else if (watermarks) tenants.add(watermarks[1] as TenantId);
    else if (!LEFT_BEHIND.some((pattern) => pattern.test(key))) control.push(key);
  }
  if (control.length > 0) counts.control = await copyControlKeys(control, sides);
  if (tenants.size > 0) await syncWatermarks([...tenants], sides);
  if (entries.length > 0) {
    const records = await sides.currentStore.readRecords(entries);
    const found = entries.flatMap((key, i) => {
      const record = records[i];
      return record ? [{ key, record }] : [];
    });
    counts.hidden += entries.length - found.length;
    for (const batch of byRequestSize(found, sides.maxWriteBytes)) {
      const outcomes = await sides.nextStore.writeRecords(batch);
      for (const outcome of outcomes) {
        if (outcome.status === "copied") counts.copied++;
        else if (outcome.status === "newer") counts.newer++;
        else if (outcome.status === "hidden") counts.hidden++;
        else counts.failed++;
      }
    }
  }
  return counts;
}

async function copyControlKeys(keys: string[], sides: PageSides): Promise<number> {
  const dumps = await dumpKeys(keys, sides.current);
  const counters = keys.map((key) => (COUNTER_HASH.test(key) ? "1" : "0"));
  const [merged] = await runCalls(sides.next, [{ script: mergeKeysScript, keys, args: [...dumps.map((dump) => dump.json), ...counters] }]);
  if (!merged?.ok || !Array.isArray(merged.value)) throw new Error("backfill merge failed");
  const added = (merged.value as unknown[]).map((list) => JSON.parse(String(list)) as string[]);
  await reconcile(keys, dumps, added, sides);
  return dumps.filter((dump) => dump.type !== "none").length;
}

interface KeyDump {
  json: string;
  type: string;
  data: string[];
}

async function dumpKeys(keys: string[], runner: RedisRunner): Promise<KeyDump[]> {
  const [reply] = await runCalls(runner, [{ script: dumpKeysScript, keys, args: [] }]);
  if (!reply?.ok || !Array.isArray(reply.value)) throw new Error("backfill dump failed");
  return (reply.value as unknown[]).map((value) => {
    const json = String(value);
    const parsed = JSON.parse(json) as { type: string; data: unknown };
    return { json, type: parsed.type, data: Array.isArray(parsed.data) ? parsed.data.map(String) : [] };
  });
}

/**
 * What the merge added, read again from the database moved from: a field or member deleted there
 * between the dump and the merge (a token revoked, an origin dropped from the CORS index) was
 * deleted in the new database too, where it did not exist yet, so the merge brought it back.
 */
async function reconcile(keys: string[], dumps: KeyDump[], added: string[][], sides: PageSides): Promise<void> {
  const touched = keys.flatMap((_key, i) => ((added[i]?.length ?? 0) > 0 ? [i] : []));
  if (touched.length === 0) return;
  const again = await dumpKeys(
    touched.map((i) => keys[i] as string),
    sides.current,
  );
  const fixes = touched.flatMap((i, j) => {
    const type = (dumps[i] as KeyDump).type;
    const now = again[j] as KeyDump;
    const list = added[i] as string[];
    const gone = type === "hash" ? removedFields(list, now) : list.filter((member) => now.type !== "set" || !now.data.includes(member));
    return gone.length > 0 ? [{ key: keys[i] as string, fix: JSON.stringify({ type, gone }) }] : [];
  });
  if (fixes.length === 0) return;
  const [reply] = await runCalls(sides.next, [
    { script: reconcileKeysScript, keys: fixes.map((fix) => fix.key), args: fixes.map((fix) => fix.fix) },
  ]);
  if (!reply?.ok) throw new Error("backfill reconcile failed");
}

/** Of the [field, value] pairs the merge added, those the source no longer holds with that value. */
function removedFields(addedPairs: string[], now: KeyDump): string[] {
  const current = new Map<string, string>();
  if (now.type === "hash") for (let i = 0; i + 1 < now.data.length; i += 2) current.set(now.data[i] as string, now.data[i + 1] as string);
  const gone: string[] = [];
  for (let i = 0; i + 1 < addedPairs.length; i += 2) {
    const field = addedPairs[i] as string;
    if (current.get(field) !== addedPairs[i + 1]) gone.push(field, addedPairs[i + 1] as string);
  }
  return gone;
}

/** Clears, tag and prefix invalidations current holds that next missed, raised in next by time: one request each side. */
async function syncWatermarks(tenants: TenantId[], sides: PageSides): Promise<void> {
  const replies = await sides.current.run(
    tenants.flatMap((tenant) => [
      { op: "hget", key: metaRedisKey(tenant), field: "clearAt" } as const,
      {
        op: "eval",
        script: "return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')",
        keys: [tagTimesRedisKey(tenant)],
        args: [],
      } as const,
    ]),
  );
  const calls = tenants.flatMap((tenant, i) => {
    const clearAt = replies[2 * i];
    const tags = replies[2 * i + 1];
    const pairs = tags?.ok && Array.isArray(tags.value) ? (tags.value as unknown[]).map(String) : [];
    const cleared = clearAt?.ok && clearAt.value !== null && clearAt.value !== undefined ? String(clearAt.value) : "";
    if (cleared === "" && pairs.length === 0) return [];
    const keys = [metaRedisKey(tenant), tagTimesRedisKey(tenant), prefixLengthsRedisKey(tenant)];
    return [{ script: syncWatermarksScript, keys, args: [cleared, ...pairs] }];
  });
  if (calls.length === 0) return;
  const synced = await runCalls(sides.next, calls);
  if (synced.some((reply) => !reply.ok)) throw new Error("backfill watermark sync failed");
}

/** Copies in requests of at most `maxBytes` of values each (one record over it goes alone). */
function byRequestSize<T extends { record: StoredRecord }>(items: T[], maxBytes: number): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const item of items) {
    if (batch.length > 0 && bytes + item.record.bytes.length > maxBytes) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += item.record.bytes.length;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

// Records the new database keeps for itself, or that only matter where they were made.
const LEFT_BEHIND = [/^ec:[^:]+:(u|ux|f:.*|ol:.*|wl:.*)$/, /^ecsys:rl/, new RegExp(`^${MIGRATION_KEY_PREFIX}`)];
// A tenant's meta hash, watermark times and prefix lengths: copied as watermarks (syncWatermarksScript), by time.
const WATERMARK_KEY = /^ec:([^:]+):(m|tg|pl)$/;
// Stats counters: merged by taking the larger count, since both databases counted since the move began.
const COUNTER_HASH = /^ec:[^:]+:(s|sm:\d+)$/;

function scanReply(reply: RedisReply | undefined): [string, string[]] {
  if (!reply?.ok || !Array.isArray(reply.value)) throw new Error("backfill scan failed");
  const [cursor, keys] = reply.value as [unknown, unknown];
  return [String(cursor), Array.isArray(keys) ? keys.filter((key): key is string => typeof key === "string") : []];
}

async function takeResync(current: RedisRunner): Promise<boolean> {
  const [reply] = await runCalls(current, [{ script: takeResyncScript, keys: [RESYNC_FLAG_KEY], args: [] }]);
  return reply?.ok === true && Number(reply.value) > 0;
}

async function save(next: RedisRunner, fields: Record<string, string>): Promise<void> {
  const [reply] = await runCalls(next, [{ script: saveStateScript, keys: [BACKFILL_STATE_KEY], args: Object.entries(fields).flat() }]);
  if (!reply?.ok) throw new Error("backfill state not saved");
}
