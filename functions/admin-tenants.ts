import { Hono } from "hono";
import type { TenantId } from "../shared/cache/keys";
import { ApiError } from "../shared/errors";
import {
  applyTenantUpdate,
  newTenantRecord,
  tenantCreateSchema,
  tenantIdSchema,
  tenantUpdateSchema,
} from "../shared/tenants/tenant-record";
import type { AppEnv } from "./app-env";
import { methodNotAllowed } from "./http/method-not-allowed";
import { readJsonWithLimit } from "./http/read-body";
import { parseOr400 } from "./http/validation";

const BODY_LIMIT = 64 * 1024;

/** /admin/tenants: create, list, read, update and disable tenants (ADMIN_TOKEN only). */
export const adminTenants = new Hono<AppEnv>()
  .post("/", async (c) => {
    const input = parseOr400(tenantCreateSchema, await readJsonWithLimit(c.req.raw, BODY_LIMIT), "invalid_body");
    const record = newTenantRecord(input, new Date());
    if (!(await c.get("services").tenants.createTenant(record))) throw new ApiError(409, "conflict", "A tenant with this id exists");
    return c.json(record, 201);
  })
  .get("/", async (c) => c.json({ tenants: await c.get("services").tenants.listTenants() }))
  .all("/", methodNotAllowed("GET, POST"))
  .get("/:id", async (c) => c.json(await tenantOr404(c.get("services").tenants, c.req.param("id"))))
  .patch("/:id", async (c) => {
    const update = parseOr400(tenantUpdateSchema, await readJsonWithLimit(c.req.raw, BODY_LIMIT), "invalid_body");
    const record = applyTenantUpdate(await tenantOr404(c.get("services").tenants, c.req.param("id")), update, new Date());
    await c.get("services").tenants.putTenant(record);
    return c.json(record);
  })
  .all("/:id", methodNotAllowed("GET, PATCH"));

export async function tenantOr404(tenants: AppEnv["Variables"]["services"]["tenants"], id: string) {
  if (!tenantIdSchema.safeParse(id).success) throw new ApiError(404, "not_found", "No such tenant");
  const record = await tenants.getTenant(id as TenantId);
  if (!record) throw new ApiError(404, "not_found", "No such tenant");
  return record;
}
