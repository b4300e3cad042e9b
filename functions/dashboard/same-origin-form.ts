import { createMiddleware } from "hono/factory";
import { ApiError } from "../../shared/errors";
import type { DashboardEnv } from "./dashboard-env";

/**
 * Forms are accepted only from the dashboard's own pages. The session cookie is SameSite=Strict
 * already; this also keeps another site from signing a browser in with a token of its choosing.
 */
export const sameOriginForm = createMiddleware<DashboardEnv>(async function sameOriginForm(c, next) {
  const site = c.req.header("Sec-Fetch-Site");
  const origin = c.req.header("Origin");
  const sameOrigin = site === "same-origin" || (site === undefined && origin === new URL(c.req.url).origin);
  if (!sameOrigin) throw new ApiError(403, "forbidden", "Forms are accepted from the dashboard's own pages only");
  await next();
});
