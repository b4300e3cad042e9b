import type { TenantId } from "../cache/keys";
import type { RedisRunner } from "../redis/redis-client";
import { RedisTenantRegistry } from "../tenants/redis-registry";
import { type IsOriginAllowed, type OriginCheckFor, tenantOriginCheck } from "./origin-policy";
import { budgetedRunner } from "./subrequest-budget";

/**
 * Warming's SSRF check of a tenant, from its record in Redis, read through the share of the
 * budget of the work that needs it. Warming runs where no request loaded the tenant (cron, the
 * queue consumer), so the record is read once per tenant per invocation (wrap it in `oncePerTenant`).
 */
export function tenantOriginLookup(runner: RedisRunner, options: { allowPrivateHosts: boolean }): OriginCheckFor {
  return async function lookUpTenantOrigins(tenant, budget) {
    const record = await new RedisTenantRegistry(budgetedRunner(runner, budget)).getTenant(tenant);
    return tenantOriginCheck(record, options);
  };
}

/** Looks a tenant's check up once per invocation; a failed lookup rejects, is not cached, and its plans wait. */
export function oncePerTenant(lookup: OriginCheckFor): OriginCheckFor {
  const checks = new Map<TenantId, Promise<IsOriginAllowed>>();
  return (tenant, budget) => {
    let check = checks.get(tenant);
    if (!check) {
      check = lookup(tenant, budget).catch((error: unknown) => {
        checks.delete(tenant);
        throw error;
      });
      checks.set(tenant, check);
    }
    return check;
  };
}
