import type { MiddlewareHandler } from "hono";
import { ApiError } from "../../shared/errors";
import { REDIS_REQUIRED } from "../../shared/memory-only";
import type { AppEnv } from "../app-env";

/** The one answer of every route that needs Redis in a memory-only deployment: not a 503, which says to retry. */
export function redisRequired(feature: string): ApiError {
  return new ApiError(
    REDIS_REQUIRED.status,
    REDIS_REQUIRED.code,
    `${feature} need Redis (L2), and this deployment runs memory-only: set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN`,
  );
}

/** Refuses the routes it guards in a memory-only deployment, after authentication. */
export function requireRedis(feature: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get("services").l2) throw redisRequired(feature);
    await next();
  };
}
