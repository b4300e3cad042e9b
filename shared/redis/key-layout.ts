/**
 * The only place that builds Redis keys. Layout, for tenant `t` and cache key `k`:
 *
 *   ec:t:e:k   an entry or a delete's tombstone (the cache key's bytes follow the third colon unchanged)
 *   ec:t:m     the tenant's meta hash: write sequence, clear watermark, tag watermarks
 *   ec:t:tg    when each tag and prefix watermark was raised, so old ones can be pruned
 *   ec:t:pl    the byte lengths of the tenant's prefix watermarks, each with when it was last used
 *   ec:t:u     the tenant's L2 storage use: a total and bytes by expiry minute (ec:t:ux orders them)
 *   ec:t:s     the tenant's aggregated stats
 *   ec:t:f:id  a stats flush marker
 *   ec:t:w…    warming: plans, their index, run history, cursors, leases, access counts
 *   ecsys:…    records that belong to no tenant (tenants, tokens, indexes), outside every tenant's space
 *
 * Tenant ids cannot contain `:`, so the tenant ends at the second colon and everything after
 * `ec:t:e:` is the key: two different (tenant, key) pairs never share a Redis key. Tenant ids
 * also exclude glob characters, so a SCAN over `entryPattern(t)` matches only that tenant.
 */

import { type EntryKey, isTenantId, isValidKey, type TenantId } from "../cache/keys";

const tenantRoot = (tenant: TenantId) => `ec:${tenant}:`;

export function entryRedisKey({ tenant, key }: EntryKey): string {
  return `${tenantRoot(tenant)}e:${key}`;
}

export function metaRedisKey(tenant: TenantId): string {
  return `${tenantRoot(tenant)}m`;
}

/** Sorted set: watermark field (`tag:<name>`, `pfx:<prefix>`) → when it was last raised (epoch ms), for pruning old watermarks. */
export function tagTimesRedisKey(tenant: TenantId): string {
  return `${tenantRoot(tenant)}tg`;
}

/** Sorted set: byte length of a prefix watermark → when a prefix of that length was last raised (watermark-scripts.ts). */
export function prefixLengthsRedisKey(tenant: TenantId): string {
  return `${tenantRoot(tenant)}pl`;
}

/** Hash: `used` (bytes the tenant's entries hold in L2) and bytes expiring in each minute (field = epoch minute). */
export function storageUsageRedisKey(tenant: TenantId): string {
  return `${tenantRoot(tenant)}u`;
}

/** Sorted set of the epoch minutes that hold expiring bytes in the usage hash, oldest first. */
export function storageExpiryRedisKey(tenant: TenantId): string {
  return `${tenantRoot(tenant)}ux`;
}

export function statsRedisKey(tenant: TenantId): string {
  return `${tenantRoot(tenant)}s`;
}

/** One minute of a tenant's stats (the minute as epoch minutes), kept for a day. */
export function statsMinuteRedisKey(tenant: TenantId, epochMinute: number): string {
  return `${tenantRoot(tenant)}sm:${epochMinute}`;
}

/** Sorted set of a tenant's most read keys over the last day, for the dashboard. */
export function topKeysRedisKey(tenant: TenantId): string {
  return `${tenantRoot(tenant)}tk`;
}

/** Marks one stats flush as applied, so a retried flush never counts twice. */
export function statsFlushRedisKey(tenant: TenantId, flushId: string): string {
  return `${tenantRoot(tenant)}f:${flushId}`;
}

/** SCAN MATCH pattern for every entry key of one tenant (tenant ids hold no glob characters). */
export function entryPattern(tenant: TenantId): string {
  return `${tenantRoot(tenant)}e:*`;
}

/**
 * SCAN MATCH pattern for every key of one tenant's own space (entries, meta, stats, warm state):
 * what deleting the tenant sweeps. Tenant ids hold no glob characters and no `:`, so `ec:acme:*`
 * never matches a key of `acme2` or of any other tenant.
 */
export function tenantKeysPattern(tenant: TenantId): string {
  return `${tenantRoot(tenant)}*`;
}

/** Whether a Redis key is in one tenant's own space (`ec:<tenant>:…`). */
export function isTenantRedisKey(tenant: TenantId, redisKey: string): boolean {
  return redisKey.startsWith(tenantRoot(tenant));
}

/** Inverse of entryRedisKey; undefined for any Redis key that is not an entry key. */
export function parseEntryRedisKey(redisKey: string): EntryKey | undefined {
  const match = /^ec:([^:]+):e:/.exec(redisKey);
  if (!match?.[1] || !isTenantId(match[1])) return undefined;
  const key = redisKey.slice(match[0].length);
  return isValidKey(key) ? { tenant: match[1], key } : undefined;
}

/** Hash of a tenant's warm plans, field = plan name, value = plan JSON. */
export function warmPlansRedisKey(tenant: TenantId): string {
  return `${tenantRoot(tenant)}wp`;
}

/** Capped list of a plan's recent runs (newest first). Plan names hold no `:`. */
export function warmRunsRedisKey(tenant: TenantId, plan: string): string {
  return `${tenantRoot(tenant)}wr:${plan}`;
}

/** Where an unfinished run of a plan resumes. */
export function warmCursorRedisKey(tenant: TenantId, plan: string): string {
  return `${tenantRoot(tenant)}wc:${plan}`;
}

/** Lease held while a plan runs, so two runs of one plan never overlap. */
export function warmLeaseRedisKey(tenant: TenantId, plan: string): string {
  return `${tenantRoot(tenant)}wl:${plan}`;
}

/** Lease held while one key is fetched from its origin, across isolates (single-flight). */
export function originLeaseRedisKey({ tenant, key }: EntryKey): string {
  return `${tenantRoot(tenant)}ol:${key}`;
}

/** Sorted set of the tenant's plans by when each is next due (epoch ms); a claimed plan's due moves on by the claim's lease. */
export function warmDueRedisKey(tenant: TenantId): string {
  return `${tenantRoot(tenant)}wd`;
}

/**
 * Hash: cache key → JSON list of the [plan, target index] pairs that name it. Read-through looks
 * one key up with its targets' entries in the plan meta hash, never whole plans.
 */
export function warmOriginIndexRedisKey(tenant: TenantId): string {
  return `${tenantRoot(tenant)}wo`;
}

/**
 * Hash: plan name → what read-through and dispatch need of the plan (priority, lifetimes, time
 * rules, schedule); `plan/i` → target i's url or url template, headers, tags and lifetimes, kept
 * once per target however many keys a template names.
 */
export function warmPlanMetaRedisKey(tenant: TenantId): string {
  return `${tenantRoot(tenant)}wm`;
}

/** Sorted set of recently read keys that have an origin, scored by sampled reads. */
export function accessCountsRedisKey(tenant: TenantId): string {
  return `${tenantRoot(tenant)}wa`;
}

/** Hash: tenant id → tenant record JSON. */
export const TENANTS_REDIS_KEY = "ecsys:tenants";

/** Hash: token digest → token record JSON. Tokens themselves are never stored. */
export const TOKENS_REDIS_KEY = "ecsys:tokens";

/** Hash of one tenant's tokens: token id → digest. */
export function tenantTokensRedisKey(tenant: TenantId): string {
  return `ecsys:tenant-tokens:${tenant}`;
}

/**
 * Hash: tenant id → JSON of an unfinished purge of a deleted tenant's keys (tenants/tenant-purge.ts).
 * While a tenant's id is here it cannot be created again.
 */
export const TENANT_PURGES_REDIS_KEY = "ecsys:tenant-purges";

/**
 * Set for a while once a deleted tenant's purge has finished: a stats flush still on its way from
 * another isolate is dropped instead of bringing the tenant's keys back. Creating the id again
 * removes it.
 */
export function deletedTenantRedisKey(tenant: TenantId): string {
  return `ecsys:tenant-deleted:${tenant}`;
}

/** Prefix of the rate limiter's own keys (it appends `:<identifier>:…`). */
export const RATE_LIMIT_REDIS_PREFIX = "ecsys:rl";

/** Set of tenants that have warm plans; the warm reindex pages through it. */
export const WARM_TENANTS_REDIS_KEY = "ecsys:warm-tenants";

/** Sorted set: tenant → when its earliest plan is next due (epoch ms). A cron tick reads only its head. */
export const WARM_DUE_REDIS_KEY = "ecsys:warm-due";

/** Sorted set: tenant → when refresh-ahead should next look at its hot keys (epoch ms). */
export const REFRESH_DUE_REDIS_KEY = "ecsys:refresh-due";

/** Hash: cron expression → when the scheduled handler last ran for it (epoch ms); a few fields at most (diagnostics/tick-record.ts). */
export const CRON_TICKS_REDIS_KEY = "ecsys:cron-ticks";

/**
 * Set of who allows one browser origin: `t:<tenant>` for a tenant's own list, `k:<tenant>:<token id>`
 * for a token's. A CORS preflight asks whether it exists: one lookup, however many tenants.
 */
export function corsOriginRedisKey(origin: string): string {
  return `ecsys:cors:${origin}`;
}
