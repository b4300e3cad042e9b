import type { Config } from "../env";
import type { TenantLimits } from "../tenants/tenant-record";

/** The limits one request is held to: the tenant's own, never above the deployment's. */
export interface EffectiveLimits {
  maxValueBytes: number;
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  maxSwrSeconds: number;
  maxBatchOperations: number;
}

export function effectiveLimits(config: Config, tenant: TenantLimits = {}): EffectiveLimits {
  const maxTtlSeconds = Math.min(config.MAX_TTL_SECONDS, tenant.maxTtlSeconds ?? Number.POSITIVE_INFINITY);
  return {
    maxValueBytes: Math.min(config.MAX_VALUE_BYTES, tenant.maxValueBytes ?? Number.POSITIVE_INFINITY),
    maxTtlSeconds,
    defaultTtlSeconds: Math.min(maxTtlSeconds, tenant.defaultTtlSeconds ?? config.DEFAULT_TTL_SECONDS),
    maxSwrSeconds: config.MAX_SWR_SECONDS,
    maxBatchOperations: config.MAX_BATCH_OPERATIONS,
  };
}
