import { statsFlushRedisKey, statsRedisKey, type TenantId } from "../cache/keys";
import { readStatsScript } from "../cache/lua-scripts";
import type { RedisRunner } from "../cache/redis-client";
import { runCalls } from "../cache/script-runner";
import { StoreUnavailableError } from "../cache/store";
import { addCounters, type Counters, emptyCounters } from "./counters";
import type { StatsBuffer } from "./stats-buffer";
import { toCounters } from "./stats-reader";

export interface TenantCounters {
  counters: Counters;
  /** False when Redis could not be read and only this isolate's counts are included. */
  complete: boolean;
}

/**
 * A tenant's counters over every isolate: what Redis holds plus what this isolate has not
 * flushed. A flush whose answer was lost may be in Redis already; its marker, read in the same
 * script as the counters, says whether to add it, so a count is never added twice. No flush of
 * this isolate starts while the read runs (StatsBuffer.openRead).
 */
export async function readTenantCounters(runner: RedisRunner | undefined, buffer: StatsBuffer, tenant: TenantId): Promise<TenantCounters> {
  const read = buffer.openRead();
  try {
    const counters = emptyCounters();
    let complete = true;
    let unconfirmedApplied = false;
    if (runner) {
      const flushed = await readWithMarker(runner, tenant, read.unconfirmedFlushId).catch(() => undefined);
      if (flushed) {
        addCounters(counters, flushed.counters);
        unconfirmedApplied = flushed.markerFound;
      } else {
        complete = false;
      }
    }
    addCounters(counters, read.unflushed(tenant, unconfirmedApplied));
    return { counters, complete };
  } finally {
    read.close();
  }
}

async function readWithMarker(
  runner: RedisRunner,
  tenant: TenantId,
  flushId: string | undefined,
): Promise<{ counters: Counters; markerFound: boolean }> {
  const keys = flushId === undefined ? [statsRedisKey(tenant)] : [statsRedisKey(tenant), statsFlushRedisKey(tenant, flushId)];
  const [reply] = await runCalls(runner, [{ script: readStatsScript, keys, args: [] }]);
  if (!reply?.ok || !Array.isArray(reply.value)) throw new StoreUnavailableError("stats read failed");
  const [fields, applied] = reply.value as [unknown, unknown];
  return { counters: toCounters(fields), markerFound: Number(applied) === 1 };
}
