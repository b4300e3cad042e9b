import { createMiddleware } from "hono/factory";
import { ApiError } from "../../shared/errors";
import type { Scope } from "../../shared/tenants/token-record";
import type { AppEnv } from "../app-env";

export function hasScope(scopes: readonly Scope[], needed: Scope): boolean {
  return scopes.includes(needed);
}

export function assertScope(scopes: readonly Scope[], needed: Scope): void {
  if (!hasScope(scopes, needed)) throw new ApiError(403, "insufficient_scope", `This token lacks the '${needed}' scope`);
}

/** Refuses, with 403, a token without the scope a route needs. */
export function requireScope(needed: Scope) {
  return createMiddleware<AppEnv>(async function requireScopeMiddleware(c, next) {
    assertScope(c.get("token").scopes, needed);
    await next();
  });
}
