import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { usesRedis } from "../../shared/env";
import { errorBody } from "../../shared/errors";
import { type LogLevel, log, logs } from "../../shared/log";
import { RequestBudget } from "../../shared/redis/request-budget";
import { servicesFor } from "../../shared/services";
import type { AppEnv } from "../app-env";
import { inRequestBudget, usesRequestBudget } from "../http/request-budget";
import { requestIdOf } from "../http/request-id";
import { applyResponseHeaders } from "../http/response-headers";

/**
 * What every request gets before its route, in one middleware rather than four (each layer of
 * Hono's chain costs a closure and a promise per request, and an L1 hit is only a few of those
 * long): a request id, the isolate's services, the request's Redis budget where the route has
 * one, and one JSON log line when it is done. /v1 routes enter the budget step by step
 * (tenant-api.ts), so that a request answered from the isolate never does; others run in it.
 *
 * The log line names the route pattern, never the path (keys can be sensitive), and never a
 * header, query or body: no tokens, no values, no secrets.
 */
export const requestContext = createMiddleware<AppEnv>(async function requestContext(c, next) {
  const started = Date.now();
  const requestId = requestIdOf(c.req.raw.headers.get("X-Request-Id"));
  c.set("requestId", requestId);
  c.set("responseHeaders", { "X-Request-Id": requestId });
  const result = servicesFor(c.env);
  if (!result.ok) {
    // A bad env is a JSON 500 naming each bad variable and what is wrong with it, never its value.
    log("info", "error", "invalid configuration", { requestId, problems: result.problems });
    c.res = c.json(errorBody("misconfigured", `edge-cache is misconfigured: ${result.problems.join("; ")}`), 500);
    applyResponseHeaders(c);
    logRequest(c, "info", started);
    return;
  }
  const { services } = result;
  c.set("services", services);
  const path = c.req.path;
  if (usesRequestBudget(path) && usesRedis(services.config)) c.set("redisBudget", new RequestBudget(services.config.L2_TIMEOUT_MS));
  if (path.startsWith("/v1/")) await next();
  else await inRequestBudget(c, next);
  applyResponseHeaders(c);
  logRequest(c, services.config.LOG_LEVEL, started);
});

function logRequest(c: Context<AppEnv>, threshold: LogLevel, started: number): void {
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
}
