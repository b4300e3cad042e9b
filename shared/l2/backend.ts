import type { Redis } from "@upstash/redis/cloudflare";
import type { L2Store } from "../cache/l2-store";
import type { Config } from "../env";
import type { IsolateMetrics } from "../metrics/isolate-metrics";
import type { CircuitBreaker } from "../redis/circuit-breaker";
import { guardedRunner } from "../redis/guarded-runner";
import type { RedisRunner } from "../redis/redis-client";
import { connectDatabase, type DatabaseSettings } from "./database";

/**
 * The shared tier as the rest of the service sees it, whatever databases are behind it. The only
 * place that builds an L2 (the one factory, `buildL2Backend`): handlers, warming and export take
 * what they need from here and never construct or cast to an adapter.
 */
export interface L2Backend {
  /** Entries; the tiered store runs its calls through `breaker`. */
  store: L2Store;
  /** Tenants, tokens, stats, warm state and health on a request's path, behind `breaker`. */
  redis: RedisRunner;
  /** Warming's transport: one fetch per `run`, so a subrequest budget counts what the platform counts. */
  warm: { runner: RedisRunner; store: L2Store };
  /** For the rate limiter's library (one database; its counters are per window and need no move). */
  rateLimitSdk: Redis;
}

export interface L2BackendOptions {
  breaker: CircuitBreaker;
  metrics: IsolateMetrics;
  now: () => number;
}

/** Undefined in memory-only mode. */
export function buildL2Backend(config: Config, options: L2BackendOptions): L2Backend | undefined {
  if (!config.UPSTASH_REDIS_REST_URL || config.EDGE_CACHE_STORE === "memory") return undefined;
  const current = connectDatabase(
    settingsOf(config, config.UPSTASH_REDIS_REST_URL, config.UPSTASH_REDIS_REST_TOKEN as string, options.now),
    options.metrics,
  );
  return {
    store: current.store,
    redis: guardedRunner(current.runner, options.breaker),
    warm: { runner: current.warmRunner, store: current.store.through(() => current.warmRunner) },
    rateLimitSdk: current.rateLimitSdk,
  };
}

export function settingsOf(config: Config, url: string, token: string, now: () => number): DatabaseSettings {
  return {
    url,
    token,
    timeoutMs: config.L2_TIMEOUT_MS,
    retries: config.L2_RETRIES,
    maxRequestBytes: config.L2_MAX_REQUEST_BYTES,
    rateLimitTimeoutMs: config.RATE_LIMIT_TIMEOUT_MS,
    codec: { compressionThresholdBytes: config.COMPRESSION_THRESHOLD_BYTES },
    tombstoneMs: config.TOMBSTONE_SECONDS * 1000,
    // The longest an entry can live (Redis, then an L1's grace) plus an hour of clock skew: watermark-scripts.ts.
    watermarkRetentionMs: (config.MAX_TTL_SECONDS + config.MAX_SWR_SECONDS + config.L1_GRACE_SECONDS + 3600) * 1000,
    now,
  };
}
