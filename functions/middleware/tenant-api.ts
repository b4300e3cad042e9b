import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { setApiHeaders } from "./api-headers";
import { allowOrigin, answerPreflight } from "./cors";
import { enforceRateLimit } from "./rate-limit";
import { countAndFlushStats } from "./stats-flush";
import { authenticate } from "./tenant-auth";

/**
 * Everything a /v1 request goes through before and after its handler, in order: API headers,
 * CORS preflight, tenant authentication, the request's origin, rate limits; then stats. One
 * middleware with plain steps rather than six: every layer of Hono's chain costs a closure and
 * a promise on each request, and the L1 hit path is only a few of those long.
 */
export const tenantApi = createMiddleware<AppEnv>(async function tenantApi(c, next) {
  setApiHeaders(c);
  const preflight = await answerPreflight(c);
  if (preflight) return preflight;
  await authenticate(c);
  allowOrigin(c);
  await enforceRateLimit(c);
  await next();
  countAndFlushStats(c);
});
