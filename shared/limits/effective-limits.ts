import type { Config } from "../env";
import type { TenantLimits } from "../tenants/tenant-record";

/** The limits one request is held to: the tenant's own, never above the deployment's where that caps them. */
export interface EffectiveLimits {
  maxValueBytes: number;
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  maxSwrSeconds: number;
  maxBatchOperations: number;
  /** The tenant's L2 storage budget in bytes. */
  storageBytes: number;
  /** Warm plans the tenant may have, targets per plan, and bytes of one plan's JSON. */
  warmPlans: number;
  warmTargetsPerPlan: number;
  warmPlanBytes: number;
}

export function effectiveLimits(config: Config, tenant: TenantLimits = {}): EffectiveLimits {
  const maxTtlSeconds = Math.min(config.MAX_TTL_SECONDS, tenant.maxTtlSeconds ?? Number.POSITIVE_INFINITY);
  return {
    maxValueBytes: Math.min(config.MAX_VALUE_BYTES, tenant.maxValueBytes ?? Number.POSITIVE_INFINITY),
    maxTtlSeconds,
    defaultTtlSeconds: Math.min(maxTtlSeconds, tenant.defaultTtlSeconds ?? config.DEFAULT_TTL_SECONDS),
    maxSwrSeconds: config.MAX_SWR_SECONDS,
    maxBatchOperations: config.MAX_BATCH_OPERATIONS,
    storageBytes: tenant.storageBytes ?? config.TENANT_STORAGE_BYTES,
    warmPlans: tenant.warmPlans ?? config.WARM_MAX_PLANS,
    warmTargetsPerPlan: tenant.warmTargetsPerPlan ?? config.WARM_MAX_TARGETS_PER_PLAN,
    warmPlanBytes: tenant.warmPlanBytes ?? config.WARM_MAX_PLAN_BYTES,
  };
}
