import type { TenantId } from "../cache/keys";
import { StoreUnavailableError } from "../cache/store";
import { READ_STORAGE_USED } from "../cache/upstash/storage-usage-lua";
import { statsFlushRedisKey, statsRedisKey, storageExpiryRedisKey, storageUsageRedisKey } from "../redis/key-layout";
import type { LuaScript } from "../redis/lua-script";
import type { RedisRunner } from "../redis/redis-client";
import { runCalls } from "../redis/script-runner";
import { addCounters, type Counters, emptyCounters } from "./counters";
import type { StatsBuffer } from "./stats-buffer";
import { toCounters } from "./stats-reader";

export interface TenantCounters {
  counters: Counters;
  /** False when Redis could not be read and only this isolate's counts are included. */
  complete: boolean;
  /** Bytes the tenant's entries hold in L2 (approximate: storage-usage-lua.ts); absent when Redis was not read. */
  storageUsedBytes?: number;
}

/**
 * KEYS: stats hash, storage usage, storage expiry minutes, then the marker of the reader's
 * unconfirmed flush, if it has one. ARGV: now (ms). Returns the stats hash's fields and values,
 * 1 if the marker exists (that flush is already in the hash), and the storage used as of now. One
 * script, so they describe one moment: no flush lands between them. It writes nothing: expired
 * minutes are subtracted here, and reaped by the tenant's next write.
 */
const readStatsScript: LuaScript = {
  name: "read-stats",
  readOnly: true,
  source: `${READ_STORAGE_USED}
local applied = 0
if KEYS[4] then applied = redis.call('EXISTS', KEYS[4]) end
local used = storageUsed(KEYS[2], KEYS[3], math.floor(tonumber(ARGV[1]) / 60000))
return {redis.call('HGETALL', KEYS[1]), applied, used}
`,
};

/**
 * A tenant's counters over every isolate: what Redis holds plus what this isolate has not
 * flushed. A flush whose answer was lost may be in Redis already; its marker, read in the same
 * script as the counters, says whether to add it, so a count is never added twice. No flush of
 * this isolate starts while the read runs (StatsBuffer.openRead).
 */
export async function readTenantCounters(
  runner: RedisRunner | undefined,
  buffer: StatsBuffer,
  tenant: TenantId,
  now: number = Date.now(),
): Promise<TenantCounters> {
  const read = buffer.openRead();
  try {
    const counters = emptyCounters();
    let complete = true;
    let unconfirmedApplied = false;
    let storageUsedBytes: number | undefined;
    if (runner) {
      const flushed = await readWithMarker(runner, tenant, read.unconfirmedFlushId, now).catch(() => undefined);
      if (flushed) {
        addCounters(counters, flushed.counters);
        unconfirmedApplied = flushed.markerFound;
        storageUsedBytes = flushed.storageUsedBytes;
      } else {
        complete = false;
      }
    }
    addCounters(counters, read.unflushed(tenant, unconfirmedApplied));
    return { counters, complete, ...(storageUsedBytes === undefined ? {} : { storageUsedBytes }) };
  } finally {
    read.close();
  }
}

async function readWithMarker(
  runner: RedisRunner,
  tenant: TenantId,
  flushId: string | undefined,
  now: number,
): Promise<{ counters: Counters; markerFound: boolean; storageUsedBytes: number }> {
  const keys = [statsRedisKey(tenant), storageUsageRedisKey(tenant), storageExpiryRedisKey(tenant)];
  if (flushId !== undefined) keys.push(statsFlushRedisKey(tenant, flushId));
  const [reply] = await runCalls(runner, [{ script: readStatsScript, keys, args: [String(now)] }]);
  if (!reply?.ok || !Array.isArray(reply.value)) throw new StoreUnavailableError("stats read failed");
  const [fields, applied, used] = reply.value as [unknown, unknown, unknown];
  return { counters: toCounters(fields), markerFound: Number(applied) === 1, storageUsedBytes: Math.max(0, Number(used) || 0) };
}
