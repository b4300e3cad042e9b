import type { Config } from "../env";
import type { TenantLimits } from "../tenants/tenant-record";

/** The limits one request is held to: the tenant's own, never above the deployment's where that caps them. */
export interface EffectiveLimits {
  maxValueBytes: number;
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  maxSwrSeconds: number;
  maxBatchOperations: number;
  /** Bytes a POST /v1/batch body may have: what one request to Redis can carry. */
  maxBatchBodyBytes: number;
  /** The tenant's L2 storage budget in bytes. */
  storageBytes: number;
  /** Warm plans the tenant may have, targets per plan, and bytes of one plan's JSON. */
  warmPlans: number;
  warmTargetsPerPlan: number;
  warmPlanBytes: number;
}

// Base64 grows values by 4/3, plus JSON framing per operation. Never more than one request to
// Redis may carry: a body past that is refused by its Content-Length (or as it streams past it),
// before any of it is parsed, decoded or compressed, so an oversized batch costs the isolate
// that every tenant shares almost nothing.
const batchBodyLimit = (maxValueBytes: number, maxOperations: number, maxRequestBytes: number) =>
  Math.min(Math.ceil((maxValueBytes * 4) / 3) * Math.min(maxOperations, 8) + 64 * 1024, maxRequestBytes);

export function effectiveLimits(config: Config, tenant: TenantLimits = {}): EffectiveLimits {
  const maxTtlSeconds = Math.min(config.MAX_TTL_SECONDS, tenant.maxTtlSeconds ?? Number.POSITIVE_INFINITY);
  const maxValueBytes = Math.min(config.MAX_VALUE_BYTES, tenant.maxValueBytes ?? Number.POSITIVE_INFINITY);
  return {
    maxValueBytes,
    maxTtlSeconds,
    defaultTtlSeconds: Math.min(maxTtlSeconds, tenant.defaultTtlSeconds ?? config.DEFAULT_TTL_SECONDS),
    maxSwrSeconds: config.MAX_SWR_SECONDS,
    maxBatchOperations: config.MAX_BATCH_OPERATIONS,
    maxBatchBodyBytes: batchBodyLimit(maxValueBytes, config.MAX_BATCH_OPERATIONS, config.L2_MAX_REQUEST_BYTES),
    storageBytes: tenant.storageBytes ?? config.TENANT_STORAGE_BYTES,
    warmPlans: tenant.warmPlans ?? config.WARM_MAX_PLANS,
    warmTargetsPerPlan: tenant.warmTargetsPerPlan ?? config.WARM_MAX_TARGETS_PER_PLAN,
    warmPlanBytes: tenant.warmPlanBytes ?? config.WARM_MAX_PLAN_BYTES,
  };
}
