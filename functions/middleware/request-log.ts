import { createMiddleware } from "hono/factory";
import { log, logs } from "../../shared/log";
import type { AppEnv } from "../app-env";

/**
 * One JSON line per request. It names the route pattern, never the path (keys can be
 * sensitive), and never a header, query or body: no tokens, no values, no secrets.
 */
export const requestLog = createMiddleware<AppEnv>(async function requestLog(c, next) {
  const started = Date.now();
  await next();
  // Before services exist (a bad env) the line is still written, at the default level.
  const threshold = c.get("services")?.config.LOG_LEVEL ?? "info";
  const level = c.res.status >= 500 ? "error" : "info";
  // Where the line would be dropped, skip gathering its fields too.
  if (!logs(threshold, level)) return;
  log(threshold, level, "request", {
    requestId: c.get("requestId"),
    tenant: c.get("tenant"),
    method: c.req.method,
    route: c.req.routePath,
    status: c.res.status,
    cache: c.get("cacheStatus") ?? c.res.headers.get("X-Cache") ?? undefined,
    durationMs: Date.now() - started,
  });
});
