import type { TenantId } from "../cache/keys";
import type { Services } from "../services";
import { addCounters, type Counters, emptyCounters, hitRatio } from "../stats/counters";
import { readFlushedCounters } from "../stats/stats-reader";

export interface TenantTotals {
  counters: Counters;
  hitRatio: number | null;
  /** False when Redis could not be read and only this isolate's counts are included. */
  complete: boolean;
}

/**
 * A tenant's counters over every isolate, computed as `GET /v1/stats` computes them (what was
 * flushed to Redis plus what this isolate holds unflushed), so the dashboard and the API agree.
 */
export async function readTenantTotals(services: Services, tenant: TenantId): Promise<TenantTotals> {
  const counters = emptyCounters();
  let complete = true;
  if (services.redis) {
    const flushed = await readFlushedCounters(services.redis, tenant).catch(() => undefined);
    if (flushed) addCounters(counters, flushed);
    else complete = false;
  }
  addCounters(counters, services.stats.unflushed(tenant));
  return { counters, hitRatio: hitRatio(counters), complete };
}
