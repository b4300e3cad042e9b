import type { Context } from "hono";
import type { AppEnv } from "../app-env";
import { waitUntilOf } from "../http/wait-until";

/**
 * After the response: counts a server error, and hands a due stats flush to `waitUntil`.
 * Counters never add a round trip to a request, and one flush per interval carries every
 * tenant's counts.
 */
export function countAndFlushStats(c: Context<AppEnv>): void {
  const { stats, redis } = c.get("services");
  if (c.res.status >= 500) stats.add(c.get("tenant"), "errors");
  if (!redis || !stats.isFlushDue()) return;
  waitUntilOf(c)(stats.flush(redis));
}
