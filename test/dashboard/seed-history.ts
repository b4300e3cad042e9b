import type { Redis } from "ioredis";
import type { TenantId } from "../../shared/cache/keys.ts";
import { statsMinuteRedisKey, statsRedisKey } from "../../shared/redis/key-layout.ts";
import type { CounterName } from "../../shared/stats/counters.ts";

/**
 * An hour of reads as other isolates would have flushed them: per-minute counters (kept a day,
 * as the flush keeps them) and the same amounts added to the tenant's totals, so the chart has a
 * shape and every total still equals what `GET /v1/stats` reads. The hit ratio climbs as a cache
 * warms, with a dip where a deploy emptied the isolates' memory.
 */
export async function seedHourOfReads(redis: Redis, tenant: TenantId, now: number): Promise<void> {
  const current = Math.floor(now / 60_000);
  const totals: Partial<Record<CounterName, number>> = {};
  const pipeline = redis.pipeline();
  for (let ago = 59; ago >= 1; ago--) {
    const warmth = Math.min(1, (60 - ago) / 25);
    const dip = ago >= 20 && ago <= 23 ? 0.35 : 0;
    const reads = 120 + ((ago * 37) % 50);
    const misses = Math.round(reads * Math.max(0.04, 0.45 - 0.4 * warmth + dip));
    const l2Hits = Math.round((reads - misses) * (0.3 - 0.2 * warmth));
    const staleServed = ago % 11 === 0 ? 3 : 0;
    const counters = { l1Hits: reads - misses - l2Hits - staleServed, l2Hits, staleServed, misses, sets: misses, bytesOut: reads * 512 };
    const key = statsMinuteRedisKey(tenant, current - ago);
    pipeline.hset(key, counters).expire(key, 25 * 3600);
    for (const [name, value] of Object.entries(counters) as [CounterName, number][]) totals[name] = (totals[name] ?? 0) + value;
  }
  for (const [name, value] of Object.entries(totals)) pipeline.hincrby(statsRedisKey(tenant), name, value);
  await pipeline.exec();
}
