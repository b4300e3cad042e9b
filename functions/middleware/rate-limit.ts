import type { Context } from "hono";
import { ApiError } from "../../shared/errors";
import type { RateDecision, RateRule } from "../../shared/limits/rate-limiter";
import type { AppEnv } from "../app-env";
import { addResponseHeader } from "../http/response-headers";

/** Whether the request's tenant or token has a rate limit at all. */
export function hasRateLimit(c: Context<AppEnv>): boolean {
  return Boolean(c.get("tenantRecord").limits.rateLimit || c.get("token").rateLimit);
}

/**
 * Per-tenant limits, and per-token ones where a token has its own. Applies only where a limit is
 * configured, so unlimited tenants pay no round trip. Headers follow the IETF RateLimit fields
 * draft and go on every answer to an admitted request; a refusal is 429 with Retry-After.
 */
export async function enforceRateLimit(c: Context<AppEnv>): Promise<void> {
  const tenantRule = c.get("tenantRecord").limits.rateLimit;
  const token = c.get("token");
  if (!tenantRule && !token.rateLimit) return;

  const checks: [string, RateRule][] = [];
  if (tenantRule) checks.push([`t:${c.get("tenant")}`, tenantRule]);
  if (token.rateLimit) checks.push([`k:${token.id}`, token.rateLimit]);
  const limiter = c.get("services").rateLimiter;
  const decisions = await Promise.all(checks.map(([identifier, rule]) => limiter.check(identifier, rule)));
  // The tightest decision speaks for the request.
  const tightest = decisions.reduce((a, b) => ((!b.allowed && a.allowed) || b.remaining < a.remaining ? b : a));
  const headers = rateLimitHeaders(tightest, checks[decisions.indexOf(tightest)]?.[1] as RateRule);
  if (!tightest.allowed) {
    const retryAfter = Math.max(1, Math.ceil((tightest.resetAt - Date.now()) / 1000));
    throw new ApiError(429, "rate_limited", "Too many requests", { ...headers, "Retry-After": String(retryAfter) });
  }
  for (const [name, value] of Object.entries(headers)) addResponseHeader(c, name, value);
}

function rateLimitHeaders(decision: RateDecision, rule: RateRule): Record<string, string> {
  return {
    "RateLimit-Limit": String(decision.limit),
    "RateLimit-Remaining": String(decision.remaining),
    "RateLimit-Reset": String(Math.max(0, Math.ceil((decision.resetAt - Date.now()) / 1000))),
    "RateLimit-Policy": `${rule.requests};w=${rule.windowSeconds}`,
  };
}
