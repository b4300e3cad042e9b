import type { Context } from "hono";
import { type EffectiveLimits, effectiveLimits } from "../../shared/limits/effective-limits";
import type { AppEnv } from "../app-env";

/** The calling tenant's limits, capped by the deployment's. */
export function limitsOf(c: Context<AppEnv>): EffectiveLimits {
  return effectiveLimits(c.get("services").config, c.get("tenantRecord").limits);
}
