import type { Context } from "hono";
import type { Lifetime } from "../../shared/lifetimes/lifetime-policy";
import { resolveLifetime } from "../../shared/lifetimes/resolve-lifetime";
import type { EffectiveLimits } from "../../shared/limits/effective-limits";
import type { AppEnv } from "../app-env";

/** A write's lifetime: its own ttl, else the tenant's first matching lifetime policy, else its default; within `limits` (the request's). */
export function writeLifetime(
  c: Context<AppEnv>,
  limits: EffectiveLimits,
  write: { key: string; contentType: string; ttl?: number | undefined; swr?: number | undefined },
  at: number,
): Lifetime {
  return resolveLifetime({
    key: write.key,
    contentType: write.contentType,
    at,
    own: { ttlSeconds: write.ttl, swrSeconds: write.swr },
    policies: c.get("tenantRecord").lifetimePolicies ?? [],
    limits,
  });
}
