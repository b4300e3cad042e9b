import type { CodecOptions } from "../cache/codec";
import type { RecordCopyL2 } from "../cache/l2-store";
import { UpstashStore } from "../cache/upstash/upstash-store";
import type { IsolateMetrics } from "../metrics/isolate-metrics";
import { createUpstashRunner, type RedisRunner } from "../redis/redis-client";
import { timedRunner } from "../redis/timed-runner";
import { evalScriptsRunner } from "../warm/warm-runner";

/** Where one L2 database is and how it is called; the same limits apply to every database. */
export interface DatabaseSettings {
  url: string;
  token: string;
  timeoutMs: number;
  retries: number;
  maxRequestBytes: number;
  rateLimitTimeoutMs: number;
  codec: CodecOptions;
  tombstoneMs: number;
  watermarkRetentionMs: number;
  now: () => number;
}

/** One Upstash database, as every part of the service talks to it. */
export interface L2Database {
  /** Entries, over the timed runner (the tiered store passes its calls through a breaker itself). */
  store: RecordCopyL2;
  /** Every request to this database, timed; not behind a breaker. */
  runner: RedisRunner;
  /** One fetch per `run` (no transport retries, EVAL not EVALSHA): warming counts what the platform counts. */
  warmRunner: RedisRunner;
  /** The rate limiter's leases, timed, with their own deadline; it never retries (a re-sent lease would count twice). */
  rateLimitRunner: RedisRunner;
}

export function connectDatabase(settings: DatabaseSettings, metrics: IsolateMetrics): L2Database {
  const sdkRunner = createUpstashRunner({
    url: settings.url,
    token: settings.token,
    timeoutMs: settings.timeoutMs,
    retries: settings.retries,
    maxRequestBytes: settings.maxRequestBytes,
  });
  // Every Redis request is timed, whichever path sends it.
  const runner = timedRunner(sdkRunner, (outcome, seconds) => metrics.observeRedis(outcome, seconds));
  const warmRunner = evalScriptsRunner(
    createUpstashRunner({
      url: settings.url,
      token: settings.token,
      // Off the request path and writing batches of up to megabytes: a longer deadline than reads.
      timeoutMs: Math.max(settings.timeoutMs, 5000),
      retries: 0,
      maxRequestBytes: settings.maxRequestBytes,
    }),
  );
  const rateLimitRunner = timedRunner(
    createUpstashRunner({ url: settings.url, token: settings.token, timeoutMs: settings.rateLimitTimeoutMs, retries: 0 }),
    (outcome, seconds) => metrics.observeRedis(outcome, seconds),
  );
  const store = new UpstashStore({
    runner,
    codec: settings.codec,
    now: settings.now,
    tombstoneMs: settings.tombstoneMs,
    maxRequestBytes: settings.maxRequestBytes,
    watermarkRetentionMs: settings.watermarkRetentionMs,
  });
  return { store, runner, warmRunner, rateLimitRunner };
}
