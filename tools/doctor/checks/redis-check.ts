import { type CheckResult, fail, ok, skip, warn } from "../check-result.ts";
import type { HealthFacts } from "../deployment-facts.ts";

const ID = "redis";
const TITLE = "redis";

/** Above this, every L2 read and write waits noticeably, and calls near L2_TIMEOUT_MS fail. */
export const SLOW_REDIS_MS = 250;

const CHECK_SECRETS =
  "check UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN with `wrangler secret list` (both set, the REST URL and token of one " +
  "database, from the Upstash console; set them with `wrangler secret put`), and the database's status in the Upstash console; " +
  "locally, `npm start` runs redis-server and the gateway: restart it";

/** Redis reachable, and how fast, as /health's last probe saw it (at most one probe a second per isolate). */
export function redisCheck(health: HealthFacts): CheckResult {
  if (health.kind !== "answered" || !health.report) return skip(ID, TITLE, "no health report to read");
  const { report } = health;
  if (report.store === "memory") {
    const off = report.off.length > 0 ? `; off without it: ${report.off.join("; ")}` : "";
    return warn(ID, TITLE, "off: this deployment runs memory-only", [
      {
        message: `no Redis is configured (or EDGE_CACHE_STORE=memory): each isolate keeps its own entries, tenants and tokens, lost on restart${off}`,
        fix:
          "for a shared, durable cache set UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN with `wrangler secret put` and leave " +
          "EDGE_CACHE_STORE at auto; locally, install redis-server and run `npm start`",
      },
    ]);
  }
  const redis = report.redis;
  if (!redis) return warn(ID, TITLE, "unknown: /health does not report Redis", [{ message: "no `redis` in /health", fix: CHECK_SECRETS }]);
  const latency = redis.latencyMs === null ? "latency unknown" : `latency ${redis.latencyMs} ms`;
  if (!redis.reachable) {
    return fail(ID, TITLE, `unreachable (circuit ${redis.circuit})`, [
      { message: "Redis unreachable from the Worker", fix: CHECK_SECRETS },
    ]);
  }
  if (redis.circuit !== "closed") {
    return warn(ID, TITLE, `reachable, ${latency}, but the circuit is ${redis.circuit}`, [
      {
        message: "recent Redis calls failed, so the breaker sends calls to Redis sparingly until a probe succeeds",
        fix: "if it stays open, look for failing calls in `wrangler tail` and at the database in the Upstash console",
      },
    ]);
  }
  if (redis.latencyMs !== null && redis.latencyMs > SLOW_REDIS_MS) {
    return warn(ID, TITLE, `reachable, slow: ${latency}`, [
      {
        message: `a Redis round trip takes over ${SLOW_REDIS_MS} ms: every L1 miss waits that long, and calls near L2_TIMEOUT_MS fail`,
        fix: "put the Upstash database in a region near the traffic (or make it Global); locally, a busy machine slows redis-server too",
      },
    ]);
  }
  return ok(ID, TITLE, `reachable; ${latency}; circuit closed`);
}
