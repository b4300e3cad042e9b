import { Hono } from "hono";
import * as z from "zod";
import { ApiError } from "../shared/errors";
import { lifetimePoliciesSchema } from "../shared/lifetimes/lifetime-policy";
import { TenantChangedError } from "../shared/tenants/registry";
import type { AppEnv } from "./app-env";
import { limitsOf } from "./http/limits";
import { methodNotAllowed } from "./http/method-not-allowed";
import { readJsonWithLimit } from "./http/read-body";
import { parseOr400 } from "./http/validation";
import { requireScope } from "./middleware/require-scope";

const BODY_LIMIT = 256 * 1024;

/**
 * GET and PUT /v1/policies/lifetimes: the tenant's ordered lifetime policies, kept in its tenant
 * record (read with it on every request, so a write costs no Redis request for them). A PUT
 * replaces the list; every isolate's writes apply it once its copy of the tenant record is
 * renewed (within TOKEN_CACHE_SECONDS); a GET reads the saved list.
 */
export const lifetimePolicies = new Hono<AppEnv>()
  // From the registry, not this isolate's copy of the tenant record: what a PUT just saved.
  .get("/lifetimes", requireScope("manage"), async (c) => {
    const record = await c.get("services").tenants.getTenant(c.get("tenant"));
    return c.json({ policies: record?.lifetimePolicies ?? [] });
  })
  .put("/lifetimes", requireScope("manage"), async (c) => {
    const schema = z.strictObject({ policies: lifetimePoliciesSchema(limitsOf(c)) });
    const { policies } = parseOr400(schema, await readJsonWithLimit(c.req.raw, BODY_LIMIT), "invalid_body");
    const updated = await c
      .get("services")
      .tenants.updateTenant(c.get("tenant"), (current) => ({ ...current, lifetimePolicies: policies, updatedAt: new Date().toISOString() }))
      .catch((error: unknown) => {
        if (error instanceof TenantChangedError)
          throw new ApiError(409, "conflict", "The tenant kept changing during this update; try again");
        throw error;
      });
    if (!updated) throw new ApiError(404, "not_found", "No such tenant");
    return c.json({ policies: updated.lifetimePolicies ?? [] });
  })
  .all("/lifetimes", methodNotAllowed("GET, PUT"));
