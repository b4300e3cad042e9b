import type { L2Store } from "../cache/l2-store";
import { type Config, usesRedis } from "../env";
import type { IsolateMetrics } from "../metrics/isolate-metrics";
import { CircuitBreaker } from "../redis/circuit-breaker";
import { guardedRunner } from "../redis/guarded-runner";
import type { RedisRunner } from "../redis/redis-client";
import { longestCallMs } from "../redis/script-runner";
import { connectDatabase, type DatabaseSettings, type L2Database } from "./database";
import { MigratingStore } from "./migration/migrating-store";
import { MigrationCounters } from "./migration/migration-counters";
import { mirroredRunner } from "./migration/mirrored-runner";
import { markResyncNeeded } from "./migration/resync-flag";

export type MigrationPhase = Config["L2_MIGRATION_PHASE"];

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
  /** Warming's transport: one fetch per database per `run`, so a subrequest budget counts what the platform counts. */
  warm: { runner: RedisRunner; store: L2Store };
  /** For the rate limiter's leases: the database that answers (its counters are per window and need no move). */
  rateLimitRunner: RedisRunner;
  /** Present while a move between two databases is configured (any phase but off). */
  migration: L2Migration | undefined;
}

/** A move between two databases, as /health, /metrics, the admin API and the backfill see it. */
export interface L2Migration {
  phase: Exclude<MigrationPhase, "off">;
  counters: MigrationCounters;
  /** The database moved from; absent in new-only when it is no longer configured. */
  current: L2Database | undefined;
  next: L2Database;
}

export interface L2BackendOptions {
  breaker: CircuitBreaker;
  metrics: IsolateMetrics;
  now: () => number;
}

/** Undefined in memory-only mode. */
export function buildL2Backend(config: Config, options: L2BackendOptions): L2Backend | undefined {
  if (!usesRedis(config)) return undefined;
  const connect = (url: string | undefined, token: string | undefined) =>
    url ? connectDatabase(settingsOf(config, url, token as string, options.now), options.metrics) : undefined;
  const current = connect(config.UPSTASH_REDIS_REST_URL, config.UPSTASH_REDIS_REST_TOKEN);
  const next = connect(config.UPSTASH_REDIS_REST_URL_NEXT, config.UPSTASH_REDIS_REST_TOKEN_NEXT);
  const phase = config.L2_MIGRATION_PHASE;
  if (phase === "off" || !next) return single(current as L2Database, options.breaker, undefined);
  const counters = new MigrationCounters();
  const migration: L2Migration = { phase, counters, current, next };
  if (phase === "new-only" || !current) return single(next, options.breaker, migration);

  const readNew = phase === "read-new";
  const [primary, secondary] = readNew ? [next, current] : [current, next];
  // The second database has a breaker of its own: while it fails, writes skip it instead of each
  // waiting out its deadline, and its failures never open the circuit that reads depend on.
  const secondaryBreaker = new CircuitBreaker({
    failureThreshold: config.CIRCUIT_FAILURE_THRESHOLD,
    cooldownMs: config.CIRCUIT_COOLDOWN_MS,
    probeTimeoutMs: longestCallMs(config.L2_TIMEOUT_MS),
    now: options.now,
  });
  // Dual-write's secondary is next: the flag goes to current, which the backfill reads from.
  const onSecondaryMiss = () => markResyncNeeded(current.runner, options.now);
  const both = { counters, secondaryBreaker, onSecondaryMiss };
  const store = new MigratingStore({ phase, current: current.store, next: next.store, ...both });
  return {
    store,
    redis: guardedRunner(mirroredRunner({ primary: primary.runner, secondary: secondary.runner, ...both }), options.breaker),
    warm: {
      runner: mirroredRunner({ primary: primary.warmRunner, secondary: secondary.warmRunner, ...both }),
      store: new MigratingStore({
        phase,
        current: current.store.through(() => current.warmRunner),
        next: next.store.through(() => next.warmRunner),
        ...both,
      }),
    },
    rateLimitRunner: primary.rateLimitRunner,
    migration,
  };
}

function single(database: L2Database, breaker: CircuitBreaker, migration: L2Migration | undefined): L2Backend {
  return {
    store: database.store,
    redis: guardedRunner(database.runner, breaker),
    warm: { runner: database.warmRunner, store: database.store.through(() => database.warmRunner) },
    rateLimitRunner: database.rateLimitRunner,
    migration,
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
