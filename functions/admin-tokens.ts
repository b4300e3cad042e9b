import { Hono } from "hono";
import { ApiError } from "../shared/errors";
import { tokenIssueSchema } from "../shared/tenants/token-record";
import { tenantOr404 } from "./admin-tenants";
import type { AppEnv } from "./app-env";
import { methodNotAllowed } from "./http/method-not-allowed";
import { readJsonWithLimit } from "./http/read-body";
import { parseOr400 } from "./http/validation";

/**
 * /admin/tenants/{id}/tokens: issue (the token is in that answer only), list, revoke, rotate.
 * Revocation reaches every isolate within TOKEN_CACHE_SECONDS. A token's own allowedOrigins enter
 * the CORS origin index when it is issued and leave it when it is revoked, in the same script.
 */
export const adminTokens = new Hono<AppEnv>()
  .post("/:id/tokens", async (c) => {
    const tenant = await tenantOr404(c.get("services").tenants, c.req.param("id"));
    const input = parseOr400(tokenIssueSchema, await readJsonWithLimit(c.req.raw, 16 * 1024), "invalid_body");
    const { token, record } = await c.get("services").tokens.issue(tenant.id, input);
    c.header("Cache-Control", "no-store");
    return c.json({ token, ...record }, 201);
  })
  .get("/:id/tokens", async (c) => {
    const tenant = await tenantOr404(c.get("services").tenants, c.req.param("id"));
    return c.json({ tokens: await c.get("services").tokens.list(tenant.id) });
  })
  .all("/:id/tokens", methodNotAllowed("GET, POST"))
  .delete("/:id/tokens/:tokenId", async (c) => {
    const tenant = await tenantOr404(c.get("services").tenants, c.req.param("id"));
    if (!(await c.get("services").tokens.revoke(tenant.id, c.req.param("tokenId")))) throw new ApiError(404, "not_found", "No such token");
    return c.body(null, 204);
  })
  .all("/:id/tokens/:tokenId", methodNotAllowed("DELETE"))
  .post("/:id/tokens/:tokenId/rotate", async (c) => {
    const tenant = await tenantOr404(c.get("services").tenants, c.req.param("id"));
    const rotated = await c.get("services").tokens.rotate(tenant.id, c.req.param("tokenId"));
    if (!rotated) throw new ApiError(404, "not_found", "No such active token");
    c.header("Cache-Control", "no-store");
    return c.json({ token: rotated.token, ...rotated.record }, 201);
  })
  .all("/:id/tokens/:tokenId/rotate", methodNotAllowed("POST"));
