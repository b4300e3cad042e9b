import type { TenantId } from "../cache/keys";
import type { Config } from "../env";
import type { Lifetime } from "../lifetimes/lifetime-policy";
import { resolveLifetime } from "../lifetimes/resolve-lifetime";
import { effectiveLimits } from "../limits/effective-limits";
import type { RedisRunner } from "../redis/redis-client";
import { RedisTenantRegistry } from "../tenants/redis-registry";
import type { TenantRecord } from "../tenants/tenant-record";
import { type IsOriginAllowed, tenantOriginCheck } from "./origin-policy";
import { budgetedRunner, type SubrequestBudget } from "./subrequest-budget";

/** A write warming or read-through makes: the target's own lifetime, if it gives one, and its plan's. */
export interface OriginWrite {
  key: string;
  contentType: string;
  /** The target's own ttl and swr. */
  own: { ttlSeconds?: number | undefined; swrSeconds?: number | undefined };
  /** The plan's lifetime at the write (its open ttlRule's, else its ttl and swr). */
  plan: Lifetime;
}

/**
 * What warming and read-through need of a tenant, from its record: which origins they may fetch
 * (SSRF), and how long what they write lives (the tenant's lifetime policies and limits).
 */
export interface WarmingTenant {
  isOriginAllowed: IsOriginAllowed;
  /** The write's lifetime at `at`: the target's own ttl, the tenant's first matching policy, the plan's, as every write resolves it. */
  lifetimeOf(write: OriginWrite, at: number): Lifetime;
}

/** A missing or disabled tenant may fetch nothing; its writes still get a lifetime within the deployment's limits. */
export function warmingTenant(record: TenantRecord | undefined, config: Config): WarmingTenant {
  const limits = effectiveLimits(config, record?.limits);
  const policies = record?.lifetimePolicies ?? [];
  return {
    isOriginAllowed: tenantOriginCheck(record, { allowPrivateHosts: config.ALLOW_PRIVATE_ORIGINS }),
    lifetimeOf(write, at) {
      const { ttlSeconds, swrSeconds } = resolveLifetime({ ...write, at, policies, limits });
      return { ttlSeconds, swrSeconds };
    },
  };
}

/**
 * Finds a tenant's warming rules, charging the record's read to `budget`: the share of the
 * invocation of the work that needs it.
 */
export type WarmingTenantFor = (tenant: TenantId, budget: SubrequestBudget) => Promise<WarmingTenant>;

/**
 * Reads the tenant's record from Redis. Warming runs where no request loaded the tenant (cron,
 * the queue consumer), so wrap it in `oncePerTenant`: one read per tenant per invocation.
 */
export function warmingTenantLookup(runner: RedisRunner, config: Config): WarmingTenantFor {
  return async function lookUpWarmingTenant(tenant, budget) {
    const record = await new RedisTenantRegistry(budgetedRunner(runner, budget)).getTenant(tenant);
    return warmingTenant(record, config);
  };
}

/** Looks a tenant up once per invocation; a failed lookup rejects, is not cached, and its plans wait. */
export function oncePerTenant(lookup: WarmingTenantFor): WarmingTenantFor {
  const found = new Map<TenantId, Promise<WarmingTenant>>();
  return (tenant, budget) => {
    let warming = found.get(tenant);
    if (!warming) {
      warming = lookup(tenant, budget).catch((error: unknown) => {
        found.delete(tenant);
        throw error;
      });
      found.set(tenant, warming);
    }
    return warming;
  };
}
