import { createMiddleware } from "hono/factory";
import { withRequestBudget } from "../../shared/cache/request-budget";
import { usesRedis } from "../../shared/env";
import { errorBody } from "../../shared/errors";
import { log } from "../../shared/log";
import { servicesFor } from "../../shared/services";
import type { AppEnv } from "../app-env";

/**
 * Parses the env once per isolate and puts the isolate's services on the context. A bad env is
 * a JSON 500 naming each bad variable and what is wrong with it, never its value.
 */
export const withServices = createMiddleware<AppEnv>(async function withServices(c, next) {
  const result = await servicesFor(c.env);
  if (!result.ok) {
    log("info", "error", "invalid configuration", { requestId: c.get("requestId"), problems: result.problems });
    return c.json(errorBody("misconfigured", `edge-cache is misconfigured: ${result.problems.join("; ")}`), 500);
  }
  c.set("services", result.services);
  const { config } = result.services;
  if (!usesRedis(config) || !hasRequestBudget(c.req.path)) return next();
  await withRequestBudget(config.L2_TIMEOUT_MS, next);
});

// The routes held to one Redis budget (shared/cache/request-budget.ts): those that answer from
// a round trip or two and promise an answer within L2_TIMEOUT_MS. Export pages, warm plans,
// admin, metrics and the dashboard make many calls on purpose, and a budget cutting a
// multi-step change (a token rotation) in half would do harm: they keep per-call deadlines.
const BUDGETED_PREFIXES = ["/v1/cache", "/v1/batch", "/v1/invalidate", "/v1/stats", "/health"];

function hasRequestBudget(path: string): boolean {
  for (const prefix of BUDGETED_PREFIXES) if (path.startsWith(prefix)) return true;
  return false;
}
