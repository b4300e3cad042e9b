import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { waitUntilOf } from "../http/wait-until";

/**
 * After the response, hands a due stats flush to `waitUntil`: counters never add a round trip
 * to a request, and one flush per interval carries every tenant's counts.
 */
export const statsFlush = createMiddleware<AppEnv>(async function statsFlush(c, next) {
  await next();
  const { stats, redis } = c.get("services");
  if (c.res.status >= 500) stats.add(c.get("tenant"), "errors");
  if (!redis || !stats.isFlushDue()) return;
  waitUntilOf(c)(stats.flush(redis));
});
