import { Hono } from "hono";
import { effectiveLimits } from "../shared/limits/effective-limits";
import type { AppEnv } from "./app-env";
import { methodNotAllowed } from "./http/method-not-allowed";

/**
 * GET /admin/limits (ADMIN_TOKEN only): the limits a tenant created now would have, for tools that
 * plan writes before the tenant exists (`npm run migrate -- --dry-run`). A tenant's own:
 * /admin/tenants/:id/limits.
 */
export const adminLimits = new Hono<AppEnv>()
  .get("/", (c) => c.json(effectiveLimits(c.get("services").config)))
  .all("/", methodNotAllowed("GET"));
