import { createMiddleware } from "hono/factory";
import { usesRedis } from "../../shared/env";
import { withRequestBudget } from "../../shared/redis/request-budget";
import type { AppEnv } from "../app-env";

/**
 * Holds a request to one Redis budget of L2_TIMEOUT_MS (shared/redis/request-budget.ts): every
 * Redis call it makes, token re-verification and rate limit included, shares that deadline.
 * Registered only on the routes that promise an answer within it (app.ts).
 */
export const requestBudget = createMiddleware<AppEnv>(async function requestBudget(c, next) {
  const { config } = c.get("services");
  if (!usesRedis(config)) return next();
  await withRequestBudget(config.L2_TIMEOUT_MS, next);
});
