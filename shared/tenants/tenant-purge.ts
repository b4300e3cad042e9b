import type { TenantId } from "../cache/keys";
import { StoreUnavailableError } from "../cache/store";
import type { L2Backend } from "../l2/backend";
import {
  deletedTenantRedisKey,
  isTenantRedisKey,
  metaRedisKey,
  REFRESH_DUE_REDIS_KEY,
  TENANT_PURGES_REDIS_KEY,
  tenantKeysPattern,
  tenantTokensRedisKey,
  WARM_DUE_REDIS_KEY,
  WARM_TENANTS_REDIS_KEY,
} from "../redis/key-layout";
import type { RedisRunner } from "../redis/redis-client";
import { runCalls } from "../redis/script-runner";
import { formatPurgeCursor, NEW_PASS, parsePurgeCursor } from "./purge-cursor";
import { finishPurgeScript, sweepKeysScript } from "./purge-scripts";
import type { TenantPurge } from "./registry";

/**
 * Sweeping a deleted tenant's keys out of Redis, a bounded page per call. Its record, tokens and
 * index memberships went in the delete itself (registry.ts); what is left is everything under
 * `ec:<tenant>:` (entries, meta, stats, storage use, warm plans and runs), found with SCAN MATCH
 * on that prefix and deleted page by page. The meta hash goes last (finishPurgeScript): its clear
 * watermark keeps the entries not swept yet hidden.
 *
 * Done means a whole pass found nothing more, and that pass started after the purge's quiet
 * period: by then no isolate acts for the tenant any more (its token verifications have expired,
 * its requests have ended), so nothing it writes can land behind the sweep.
 */

/** How long a finished purge turns away stats flushes for the tenant: far longer than an isolate holds unflushed counts. */
const DELETED_MARKER_SECONDS = 3600;

/** SCANs one page makes at most: in a database shared by many tenants most buckets hold other tenants' keys. */
const MAX_SCANS_PER_PAGE = 10;

export interface SweepOptions {
  /** Each database the tenant's keys may be in (sweepDatabases), read with SCAN in turn. */
  databases: readonly RedisRunner[];
  /** What deletes: the control plane's runner, which during a move writes to both databases. */
  writer: RedisRunner;
  /** Keys a page gathers before deleting them (a hint, as SCAN's COUNT is). */
  count: number;
  now: number;
}

export interface SweepPage {
  done: boolean;
  /** Where the next page starts (purge-cursor.ts). */
  cursor: string;
  keysDeleted: number;
  /** When a pass ended before the quiet period did: how long until a pass may start that can end the purge. */
  retryAfterMs?: number;
}

/**
 * The databases to SCAN: the one that answers reads and, during a move that writes to both, the
 * other one too, so keys only it holds (a write it took that the other missed) are swept as well.
 */
export function sweepDatabases(l2: L2Backend): RedisRunner[] {
  const migration = l2.migration;
  if (!migration?.current || migration.phase === "new-only") return [l2.redis];
  return [l2.redis, (migration.phase === "read-new" ? migration.current : migration.next).runner];
}

/** The tenant's unfinished purge, if one is recorded. */
export async function readPurge(runner: RedisRunner, tenant: TenantId): Promise<TenantPurge | undefined> {
  const [reply] = await runner.run([{ op: "hget", key: TENANT_PURGES_REDIS_KEY, field: tenant }]);
  if (!reply?.ok) throw new StoreUnavailableError("tenant purge could not be read");
  return typeof reply.value === "string" ? (JSON.parse(reply.value) as TenantPurge) : undefined;
}

/** One page of the sweep, from `cursor` ("0": a new pass). */
export async function sweepPage(tenant: TenantId, purge: TenantPurge, cursor: string, options: SweepOptions): Promise<SweepPage> {
  const position = parsePurgeCursor(cursor, options.now);
  const database = options.databases[position.database];
  const { next, keys } = database ? await scanTenantKeys(database, tenant, position.scanCursor, options.count) : { next: "0", keys: [] };
  const keysDeleted = await sweepKeys(options.writer, tenant, keys);
  if (keysDeleted === undefined) return { done: true, cursor: NEW_PASS, keysDeleted: 0 };
  if (next !== "0") return { done: false, cursor: formatPurgeCursor({ ...position, scanCursor: next }), keysDeleted };
  if (position.database + 1 < options.databases.length) {
    return { done: false, cursor: formatPurgeCursor({ ...position, database: position.database + 1, scanCursor: "0" }), keysDeleted };
  }
  if (position.passStartedAt < purge.quietUntil) {
    return { done: false, cursor: NEW_PASS, keysDeleted, retryAfterMs: Math.max(0, purge.quietUntil - options.now) };
  }
  await finishPurge(options.writer, tenant);
  return { done: true, cursor: NEW_PASS, keysDeleted };
}

/** Up to about `count` keys of the tenant, and the SCAN cursor after them ("0": the database is done). */
async function scanTenantKeys(runner: RedisRunner, tenant: TenantId, cursor: string, count: number) {
  const found = new Set<string>();
  let next = cursor;
  for (let scans = 0; scans < MAX_SCANS_PER_PAGE && found.size < count; scans++) {
    const [reply] = await runner.run([{ op: "scan", cursor: next, match: tenantKeysPattern(tenant), count }]);
    if (!reply?.ok || !Array.isArray(reply.value)) throw new StoreUnavailableError("tenant purge scan failed");
    const [after, redisKeys] = reply.value as [unknown, unknown];
    for (const redisKey of Array.isArray(redisKeys) ? redisKeys : []) {
      // The pattern already holds the tenant; the check keeps a surprise from ever crossing tenants.
      if (typeof redisKey === "string" && isTenantRedisKey(tenant, redisKey)) found.add(redisKey);
    }
    next = String(after);
    if (next === "0") break;
  }
  return { next, keys: [...found] };
}

/** Deletes the keys while the purge is recorded: how many went, or undefined when the purge has ended. */
async function sweepKeys(writer: RedisRunner, tenant: TenantId, keys: readonly string[]): Promise<number | undefined> {
  const meta = metaRedisKey(tenant);
  const sweepable = keys.filter((key) => key !== meta);
  const [reply] = await runCalls(writer, [{ script: sweepKeysScript, keys: [TENANT_PURGES_REDIS_KEY, ...sweepable], args: [tenant] }]);
  if (!reply?.ok) throw new StoreUnavailableError("tenant purge could not delete keys");
  const deleted = Number(reply.value);
  return deleted < 0 ? undefined : deleted;
}

async function finishPurge(writer: RedisRunner, tenant: TenantId): Promise<void> {
  const keys = [
    TENANT_PURGES_REDIS_KEY,
    metaRedisKey(tenant),
    tenantTokensRedisKey(tenant),
    WARM_DUE_REDIS_KEY,
    REFRESH_DUE_REDIS_KEY,
    WARM_TENANTS_REDIS_KEY,
    deletedTenantRedisKey(tenant),
  ];
  const [reply] = await runCalls(writer, [{ script: finishPurgeScript, keys, args: [tenant, String(DELETED_MARKER_SECONDS)] }]);
  if (!reply?.ok) throw new StoreUnavailableError("tenant purge could not be finished");
}
