import { Hono } from "hono";
import type { TenantId } from "../shared/cache/keys";
import { ApiError } from "../shared/errors";
import { effectiveLimits } from "../shared/limits/effective-limits";
import { TenantChangedError } from "../shared/tenants/registry";
import {
  applyTenantUpdate,
  newTenantRecord,
  type TenantRecord,
  tenantCreateSchema,
  tenantIdSchema,
  tenantUpdateSchema,
} from "../shared/tenants/tenant-record";
import { deleteTenant } from "./admin-tenant-delete";
import type { AppEnv } from "./app-env";
import { methodNotAllowed } from "./http/method-not-allowed";
import { readJsonWithLimit } from "./http/read-body";
import { parseOr400 } from "./http/validation";

const BODY_LIMIT = 64 * 1024;

/**
 * /admin/tenants: create, list, read, update, disable and delete tenants (ADMIN_TOKEN only). Each
 * change updates the CORS origin index with the record (registry.ts); a disable or enable also
 * updates the tenant's tokens' entries in it, in O(its tokens). Deletion: admin-tenant-delete.ts.
 */
export const adminTenants = new Hono<AppEnv>()
  .post("/", async (c) => {
    const input = parseOr400(tenantCreateSchema, await readJsonWithLimit(c.req.raw, BODY_LIMIT), "invalid_body");
    const record = newTenantRecord(input, new Date());
    const outcome = await c.get("services").tenants.createTenant(record);
    if (outcome === "exists") throw new ApiError(409, "conflict", "A tenant with this id exists");
    if (outcome === "purging") {
      throw new ApiError(
        409,
        "conflict",
        `A deleted tenant with this id is still being purged: repeat DELETE /admin/tenants/${record.id} until "done": true (npm run admin -- tenant delete ${record.id}), then create it`,
      );
    }
    return c.json(record, 201);
  })
  .get("/", async (c) => c.json({ tenants: await c.get("services").tenants.listTenants() }))
  .all("/", methodNotAllowed("GET, POST"))
  .get("/:id", async (c) => c.json(await tenantOr404(c.get("services").tenants, c.req.param("id"))))
  .patch("/:id", async (c) => {
    const update = parseOr400(tenantUpdateSchema, await readJsonWithLimit(c.req.raw, BODY_LIMIT), "invalid_body");
    const change = (current: TenantRecord) => applyTenantUpdate(current, update, new Date());
    const record = await c
      .get("services")
      .tenants.updateTenant(tenantIdOr404(c.req.param("id")), change)
      .catch((error: unknown) => {
        if (error instanceof TenantChangedError)
          throw new ApiError(409, "conflict", "The tenant kept changing during this update; try again");
        throw error;
      });
    if (!record) throw notFound();
    return c.json(record);
  })
  .delete("/:id", deleteTenant)
  .all("/:id", methodNotAllowed("GET, PATCH, DELETE"))
  // What a tool writing for the tenant must fit (value size, lifetimes, batch size and body).
  .get("/:id/limits", async (c) => {
    const record = await tenantOr404(c.get("services").tenants, c.req.param("id"));
    return c.json(effectiveLimits(c.get("services").config, record.limits));
  })
  .all("/:id/limits", methodNotAllowed("GET"));

export async function tenantOr404(tenants: AppEnv["Variables"]["services"]["tenants"], id: string) {
  const record = await tenants.getTenant(tenantIdOr404(id));
  if (!record) throw notFound();
  return record;
}

function tenantIdOr404(id: string): TenantId {
  if (!tenantIdSchema.safeParse(id).success) throw notFound();
  return id as TenantId;
}

const notFound = () => new ApiError(404, "not_found", "No such tenant");
