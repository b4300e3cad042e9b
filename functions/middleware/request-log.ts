import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

/**
 * One JSON line per request. It names the route pattern, never the path (keys can be
 * sensitive), and never a header, query or body: no tokens, no values, no secrets.
 */
export const requestLog = createMiddleware<AppEnv>(async function requestLog(c, next) {
  const started = Date.now();
  await next();
  console.log(
    JSON.stringify({
      level: c.res.status >= 500 ? "error" : "info",
      msg: "request",
      requestId: c.var.requestId,
      tenant: c.var.tenant,
      method: c.req.method,
      route: c.req.routePath,
      status: c.res.status,
      cache: c.var.cacheStatus ?? c.res.headers.get("X-Cache") ?? undefined,
      durationMs: Date.now() - started,
    }),
  );
});
