import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { readWranglerVars } from "../../http/wrangler-vars.ts";

/**
 * The worker's settings for the chaos run: wrangler.toml's defaults, with the deadline and the
 * windows shortened so every mechanism is exercised within a couple of minutes.
 */
export const CHAOS_VARS = {
  /** The deadline of one Redis request; every response must arrive within it plus 50 ms. */
  L2_TIMEOUT_MS: "300",
  /** Short, so copies outlive their stale window and are served from grace within one outage. */
  L1_GRACE_SECONDS: "10",
  /** Frequent flushes, so many of them meet a fault and are retried. */
  STATS_FLUSH_INTERVAL_MS: "1000",
  /** 1 MiB values for the memory flood. */
  MAX_VALUE_BYTES: String(1024 * 1024),
  L1_BUDGET_BYTES: String(32 * 1024 * 1024),
  CIRCUIT_FAILURE_THRESHOLD: "3",
  CIRCUIT_COOLDOWN_MS: "2000",
  // A line per 503 would bury the report; unhandled errors surface as 500s, which the checks count.
  // CHAOS_WORKER_LOG_LEVEL=error prints each 5xx with its request id, for diagnosis.
  LOG_LEVEL: process.env.CHAOS_WORKER_LOG_LEVEL ?? "silent",
};

/**
 * V8 flags for workerd (Miniflare reads MINIFLARE_WORKERD_V8_FLAGS). A deployed isolate gets
 * 128 MB; locally nothing is enforced. Capping the old generation at 128 MiB keeps the local
 * heap near the production limit (exceeding it is a fatal out-of-memory the run would see);
 * --expose-gc lets the heap sampler force collections over the inspector, to measure what the
 * isolate retains rather than what awaits collection.
 */
export const ISOLATE_V8_FLAGS = ["--max-old-space-size=128", "--expose-gc"];

export interface WorkerSecrets {
  ADMIN_TOKEN: string;
  TOKEN_PEPPER: string;
}

export function generateSecrets(): WorkerSecrets {
  return { ADMIN_TOKEN: randomBytes(32).toString("hex"), TOKEN_PEPPER: randomBytes(32).toString("hex") };
}

export function workerBindings(repoRoot: string, redis: { url: string; token: string }, secrets: WorkerSecrets): Record<string, string> {
  return {
    ...readWranglerVars(join(repoRoot, "wrangler.toml")),
    ...CHAOS_VARS,
    ...secrets,
    UPSTASH_REDIS_REST_URL: redis.url,
    UPSTASH_REDIS_REST_TOKEN: redis.token,
  };
}
