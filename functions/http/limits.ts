import type { Context } from "hono";
import { type EffectiveLimits, effectiveLimits } from "../../shared/limits/effective-limits";
import type { AppEnv } from "../app-env";

/** The calling tenant's limits, capped by the deployment's. */
export function limitsOf(c: Context<AppEnv>): EffectiveLimits {
  return effectiveLimits(c.var.services.config, c.var.tenantRecord.limits);
}
