import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { entersBudgetItself, inRequestBudget } from "../http/request-budget";
import { setApiHeaders } from "./api-headers";
import { allowOrigin, answerPreflight } from "./cors";
import { enforceRateLimit, hasRateLimit } from "./rate-limit";
import { countAndFlushStats } from "./stats-flush";
import { authenticate } from "./tenant-auth";

/**
 * Everything a /v1 request goes through before and after its handler, in order: API headers,
 * CORS preflight, tenant authentication, the request's origin, rate limits; then stats. One
 * middleware with plain steps rather than six: every layer of Hono's chain costs a closure and
 * a promise on each request, and the L1 hit path is only a few of those long. For the same
 * reason, steps that do not apply to a request (a preflight, a rate limit) are not awaited, and
 * the request's Redis budget is entered only around the steps that may call Redis.
 */
export const tenantApi = createMiddleware<AppEnv>(async function tenantApi(c, next) {
  setApiHeaders(c);
  if (c.req.method === "OPTIONS") {
    const preflight = await inRequestBudget(c, () => answerPreflight(c));
    if (preflight) return preflight;
  }
  await authenticate(c);
  allowOrigin(c);
  if (hasRateLimit(c)) await inRequestBudget(c, () => enforceRateLimit(c));
  if (entersBudgetItself(c)) await next();
  else await inRequestBudget(c, next);
  countAndFlushStats(c);
});
