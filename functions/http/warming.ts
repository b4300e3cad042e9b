import type { Context } from "hono";
import { type WarmingTenant, warmingTenant } from "../../shared/warm/warming-tenant";
import type { AppEnv } from "../app-env";

/** The tenant's allowed origins and lifetime policies, from the record tenant auth loaded for this request. */
export function warmingOf(c: Context<AppEnv>): WarmingTenant {
  return warmingTenant(c.get("tenantRecord"), c.get("services").config);
}
