import { createMiddleware } from "hono/factory";
import { isAdminToken } from "../../shared/auth/admin-token";
import { ApiError } from "../../shared/errors";
import type { AppEnv } from "../app-env";
import { bearerToken } from "../http/bearer";

const challenge = { "WWW-Authenticate": 'Bearer realm="edge-cache admin"' };

/** /admin needs ADMIN_TOKEN, compared in constant time; without one configured, /admin is closed. */
export const adminAuth = createMiddleware<AppEnv>(async function adminAuth(c, next) {
  const expected = c.get("services").config.ADMIN_TOKEN;
  const token = bearerToken(c.req.header("Authorization"), challenge);
  if (!expected || !(await isAdminToken(token, expected))) throw new ApiError(401, "unauthorized", "Admin token is not valid", challenge);
  await next();
});
