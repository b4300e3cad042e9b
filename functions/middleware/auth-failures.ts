import type { Context } from "hono";
import { ApiError } from "../../shared/errors";
import type { AppEnv } from "../app-env";

/**
 * Who a request comes from, for the failed-authentication throttle: `CF-Connecting-IP`, which
 * Cloudflare's edge sets (a client cannot choose it there). Without it (local development,
 * tests) every request is one shared "unknown" client. Cut short so no header can make a long key.
 */
export function clientAddress(c: Context<AppEnv>): string {
  return c.req.header("CF-Connecting-IP")?.slice(0, 64) || "unknown";
}

/** 429 for a client past AUTH_FAILURES_PER_MINUTE: refused before any HMAC or Redis lookup. */
export function refuseThrottledClient(c: Context<AppEnv>, client: string): void {
  const retryAfterMs = c.get("services").authFailures.retryAfterMs(client);
  if (retryAfterMs <= 0) return;
  throw new ApiError(429, "rate_limited", "Too many failed authentications from this client; retry later", {
    "Retry-After": String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
  });
}

export function countAuthFailure(c: Context<AppEnv>, client: string): void {
  c.get("services").authFailures.recordFailure(client);
}
