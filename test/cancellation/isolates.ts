import { randomBytes } from "node:crypto";
import { type ServedWorker, serveWorker } from "../../bench/http/serve.ts";
import type { GatewayUnderTest } from "../helpers/node/shared-gateway.ts";
import type { WorkerBundle } from "./worker-bundle.ts";

/** The Redis deadline of one request (L2_TIMEOUT_MS): a cancellation must come before it. */
export const L2_TIMEOUT_MS = 1000;

/**
 * How long an "in progress" marker may outlive its request: the longest a call can take
 * (shared/redis/script-runner.ts `longestCallMs`: two attempts at L2_TIMEOUT_MS, plus 500 ms).
 */
export const IN_FLIGHT_BOUND_MS = 2 * L2_TIMEOUT_MS + 500;

/**
 * Short bounds, so each scenario's expiry is reached in seconds. Stats are never flushed during a
 * scenario: a flush would be one more gateway request while the test counts them.
 */
const CANCELLATION_VARS = {
  L2_TIMEOUT_MS: String(L2_TIMEOUT_MS),
  TOKEN_CACHE_SECONDS: "1",
  L1_MAX_TTL_SECONDS: "1",
  CIRCUIT_COOLDOWN_MS: "400",
  STATS_FLUSH_INTERVAL_MS: "600000",
  ALLOW_PRIVATE_ORIGINS: "true",
  LOG_LEVEL: "silent",
};

export interface Isolates {
  adminToken: string;
  /** One more isolate of the bundle, its Redis requests under `redis`'s token (a gateway scope). */
  start(redis: GatewayUnderTest, vars?: Record<string, string>): Promise<ServedWorker>;
}

/**
 * Serves isolates of one bundle with Miniflare directly (not `wrangler dev`, whose Node proxy
 * stands between the client and workerd): a client's disconnect then reaches workerd itself.
 * Each Miniflare instance is its own workerd process, so its own isolate with its own L1,
 * circuit, token cache and in-flight markers; all of them share Redis and the same secrets.
 */
export function isolatesOf(bundle: WorkerBundle): Isolates {
  const secrets = { ADMIN_TOKEN: randomBytes(32).toString("hex"), TOKEN_PEPPER: randomBytes(32).toString("hex") };
  let started = 0;
  return {
    adminToken: secrets.ADMIN_TOKEN,
    start: (redis, vars = {}) => {
      started += 1;
      return serveWorker(`edge-cache-cancellation-${started}`, bundle.scriptPath, {
        ...bundle.vars,
        ...CANCELLATION_VARS,
        ...vars,
        ...secrets,
        UPSTASH_REDIS_REST_URL: redis.url,
        UPSTASH_REDIS_REST_TOKEN: redis.token,
      });
    },
  };
}
