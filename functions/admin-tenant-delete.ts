import type { Context } from "hono";
import * as z from "zod";
import { isTenantId } from "../shared/cache/keys";
import { ApiError } from "../shared/errors";
import { purgeCursorSchema } from "../shared/tenants/purge-cursor";
import { TenantChangedError } from "../shared/tenants/registry";
import { deleteTenantStep } from "../shared/tenants/tenant-deletion";
import type { AppEnv } from "./app-env";
import { parseOr400 } from "./http/validation";

/** Keys one page gathers at most: a page stays a few bounded requests, however many keys the tenant has. */
export const MAX_DELETE_PAGE_KEYS = 1000;

const querySchema = z.object({
  cursor: purgeCursorSchema.optional(),
  count: z.coerce.number().int("count must be a whole number").min(1).max(MAX_DELETE_PAGE_KEYS).default(500),
});

/**
 * DELETE /admin/tenants/{id}[?cursor=&count=]: the first call removes the tenant for good (no
 * token of it authenticates, no preflight passes for it, its entries are hidden) and sweeps one
 * page of its keys; call again with each answer's `cursor` until `"done": true`. Until then the id
 * cannot be created again. After done, or for an id never created, 404.
 */
export async function deleteTenant(c: Context<AppEnv>): Promise<Response> {
  const id = c.req.param("id") ?? "";
  // An id that could not be a tenant's (`*`, `a:b`) names no tenant, and never reaches a SCAN pattern.
  if (!isTenantId(id)) throw noSuchTenant();
  const query = parseOr400(querySchema, { cursor: c.req.query("cursor"), count: c.req.query("count") }, "invalid_query");
  const outcome = await deleteTenantStep(c.get("services"), id, query).catch((error: unknown) => {
    if (error instanceof TenantChangedError) throw new ApiError(409, "conflict", "The tenant kept changing during the delete; try again");
    throw error;
  });
  if (outcome.kind === "not_found") throw noSuchTenant();
  if (outcome.kind === "recreated") {
    throw new ApiError(
      409,
      "conflict",
      "No purge of this tenant is in progress and the tenant exists (created again?): a cursor only continues a purge; send DELETE without one to delete the tenant",
    );
  }
  c.header("Cache-Control", "no-store");
  return c.json(outcome.page);
}

const noSuchTenant = () => new ApiError(404, "not_found", "No such tenant");
