import type { TenantId } from "../cache/keys";
import type { RedisRunner } from "../redis/redis-client";
import { addCounters, type Counters, emptyCounters, hitRatio } from "../stats/counters";
import { readMinuteSeries } from "../stats/stats-reader";
import type { SettledMinutes } from "./settled-minutes";

export interface SeriesBucket {
  /** Start of the bucket, epoch ms. */
  at: number;
  /** Minutes summed into it: fewer than the bucket size at the window's start. */
  minutes: number;
  counters: Counters;
  hitRatio: number | null;
}

export interface HitRatioSeries {
  /** The window, epoch ms: from the start of its first minute to the end of the current one. */
  from: number;
  to: number;
  bucketMinutes: number;
  buckets: SeriesBucket[];
}

export interface HitRatioSeriesOptions {
  minutes: number;
  bucketMinutes: number;
  now: number;
  settled: SettledMinutes;
  /** A minute that ended this long ago no longer changes, and is kept in `settled`. */
  settleAfterMs: number;
}

/**
 * A tenant's counters over the last `minutes`, summed into buckets aligned on multiples of
 * `bucketMinutes` (so labels fall on round times). Minutes already settled in this isolate are not
 * read again: one pipelined request covers the first minute not held through the current one.
 */
export async function readHitRatioSeries(runner: RedisRunner, tenant: TenantId, options: HitRatioSeriesOptions): Promise<HitRatioSeries> {
  const { minutes, bucketMinutes, now, settled } = options;
  const last = Math.floor(now / 60_000);
  const first = last - minutes + 1;
  let firstUnsettled = first;
  while (firstUnsettled <= last && settled.get(tenant, firstUnsettled)) firstUnsettled++;
  const fetched = firstUnsettled <= last ? await readMinuteSeries(runner, tenant, last - firstUnsettled + 1, now) : [];
  const fresh = new Map<number, Counters>();
  for (const { at, counters } of fetched) {
    const minute = at / 60_000;
    fresh.set(minute, counters);
    if (at + 60_000 <= now - options.settleAfterMs) settled.put(tenant, minute, counters);
  }
  const buckets: SeriesBucket[] = [];
  for (let minute = first; minute <= last; minute++) {
    const counters = fresh.get(minute) ?? settled.get(tenant, minute) ?? emptyCounters();
    const at = Math.floor(minute / bucketMinutes) * bucketMinutes * 60_000;
    let bucket = buckets.at(-1);
    if (bucket?.at !== at) {
      bucket = { at, minutes: 0, counters: emptyCounters(), hitRatio: null };
      buckets.push(bucket);
    }
    bucket.minutes++;
    addCounters(bucket.counters, counters);
  }
  for (const bucket of buckets) bucket.hitRatio = hitRatio(bucket.counters);
  return { from: first * 60_000, to: (last + 1) * 60_000, bucketMinutes, buckets };
}
