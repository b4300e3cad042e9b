import type { TenantId } from "../cache/keys";
import type { Services } from "../services";
import { type Counters, hitRatio } from "../stats/counters";
import { readTenantCounters } from "../stats/tenant-counters";

export interface TenantTotals {
  counters: Counters;
  hitRatio: number | null;
  /** False when Redis could not be read and only this isolate's counts are included. */
  complete: boolean;
  /** Bytes the tenant's entries hold in Redis, as `GET /v1/stats` reports them; absent when Redis was not read. */
  storageUsedBytes?: number;
}

/**
 * A tenant's counters over every isolate, read exactly as `GET /v1/stats` reads them (a flush
 * whose answer was lost is counted once), so the dashboard and the API agree.
 */
export async function readTenantTotals(services: Services, tenant: TenantId): Promise<TenantTotals> {
  const { counters, complete, storageUsedBytes } = await readTenantCounters(services.redis, services.stats, tenant);
  return { counters, hitRatio: hitRatio(counters), complete, ...(storageUsedBytes === undefined ? {} : { storageUsedBytes }) };
}
