import { createMiddleware } from "hono/factory";
import { ApiError } from "../../shared/errors";
import type { AppEnv } from "../app-env";

const challenge = { "WWW-Authenticate": 'Bearer realm="edge-cache"' };

/**
 * Resolves `Authorization: Bearer <token>` to the tenant every /v1 handler works for. The tenant
 * comes from the token only: no handler reads a tenant from the URL, the query or the body.
 */
export const tenantAuth = createMiddleware<AppEnv>(async function tenantAuth(c, next) {
  const header = c.req.header("Authorization");
  if (!header) throw new ApiError(401, "unauthorized", "Authorization: Bearer <token> is required", challenge);
  const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
  if (!match?.[1]) throw new ApiError(401, "unauthorized", "Authorization header must be 'Bearer <token>'", challenge);
  const tenant = await c.var.services.tokens.verify(match[1]);
  if (!tenant) throw new ApiError(401, "unauthorized", "Token is not valid", challenge);
  c.set("tenant", tenant);
  await next();
});
