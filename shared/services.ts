import { MemoryStore } from "./cache/memory-store";
import { TieredStore } from "./cache/tiered-store";
import { type Config, parseEnv } from "./env";
import { HealthProbe } from "./health-probe";
import { buildL2Backend, type L2Backend } from "./l2/backend";
import { AuthFailureThrottle } from "./limits/auth-failure-throttle";
import { RateLimiter } from "./limits/rate-limiter";
import { IsolateMetrics } from "./metrics/isolate-metrics";
import { CircuitBreaker } from "./redis/circuit-breaker";
import type { RedisRunner } from "./redis/redis-client";
import { longestCallMs } from "./redis/script-runner";
import { StatsBuffer } from "./stats/stats-buffer";
import { CorsOrigins } from "./tenants/cors-origins";
import { MemoryTenantRegistry } from "./tenants/memory-registry";
import { RedisTenantRegistry } from "./tenants/redis-registry";
import type { TenantRegistry } from "./tenants/registry";
import { TokenDigester } from "./tenants/token-digest";
import { TokenService } from "./tenants/token-service";
import { OriginReads } from "./warm/origin-reads";

/** Everything a request needs, built once per isolate (per distinct config) and passed in. */
export interface Services {
  config: Config;
  store: TieredStore;
  /** Redis behind the store's circuit breaker; absent in memory-only mode. */
  redis: RedisRunner | undefined;
  /** The shared tier (entries, control plane, warming's transport); absent in memory-only mode. */
  l2: L2Backend | undefined;
  stats: StatsBuffer;
  tenants: TenantRegistry;
  tokens: TokenService;
  rateLimiter: RateLimiter;
  corsOrigins: CorsOrigins;
  /** Failed authentications per client in this isolate (AUTH_FAILURES_PER_MINUTE). */
  authFailures: AuthFailureThrottle;
  /** /health's Redis probe, reused for a second; absent in memory-only mode. */
  healthProbe: HealthProbe | undefined;
  metrics: IsolateMetrics;
  /** Read-through for keys with an origin; absent in memory-only mode. */
  originReads: OriginReads | undefined;
}

export type ServicesResult = { ok: true; services: Services } | { ok: false; problems: string[] };

export interface ServiceOverrides {
  now?: () => number;
}

export function buildServices(config: Config, overrides: ServiceOverrides = {}): Services {
  const now = overrides.now ?? Date.now;
  // "In progress" markers (a half-open probe, a revalidation, a stats flush) outliving any call
  // were left by a cancelled request, so they expire after the longest a call can take.
  const inFlightBoundMs = longestCallMs(config.L2_TIMEOUT_MS);
  const breaker = new CircuitBreaker({
    failureThreshold: config.CIRCUIT_FAILURE_THRESHOLD,
    cooldownMs: config.CIRCUIT_COOLDOWN_MS,
    probeTimeoutMs: inFlightBoundMs,
    now,
  });
  const metrics = new IsolateMetrics();
  const l2 = buildL2Backend(config, { breaker, metrics, now });
  const redis = l2?.redis;
  const store = new TieredStore({
    l1: new MemoryStore({ budgetBytes: config.L1_BUDGET_BYTES, now }),
    l2: l2?.store,
    breaker,
    l1MaxTtlMs: config.L1_MAX_TTL_SECONDS * 1000,
    l1GraceMs: config.L1_GRACE_SECONDS * 1000,
    ...(config.L1_REFRESH_AHEAD_MS !== undefined && { refreshAheadMs: config.L1_REFRESH_AHEAD_MS }),
    revalidationTimeoutMs: inFlightBoundMs,
    now,
  });
  const tenants: TenantRegistry = redis ? new RedisTenantRegistry(redis) : new MemoryTenantRegistry();
  const originReads =
    redis && l2
      ? new OriginReads({
          redis,
          l2: l2.store,
          store,
          maxValueBytes: config.MAX_VALUE_BYTES,
          now,
        })
      : undefined;
  return {
    config,
    store,
    redis,
    l2,
    stats: new StatsBuffer({
      flushIntervalMs: config.STATS_FLUSH_INTERVAL_MS,
      maxRequestBytes: config.L2_MAX_REQUEST_BYTES,
      flushTimeoutMs: inFlightBoundMs,
      onDropped: (updates) => metrics.countDroppedStats(updates),
      now,
    }),
    tenants,
    tokens: new TokenService({
      registry: tenants,
      digester: new TokenDigester(config.TOKEN_PEPPER),
      cacheMs: config.TOKEN_CACHE_SECONDS * 1000,
      refreshTimeoutMs: inFlightBoundMs,
      now,
    }),
    rateLimiter: new RateLimiter({ runner: l2?.rateLimitRunner, breaker, now }),
    corsOrigins: new CorsOrigins({ registry: tenants, cacheMs: config.TOKEN_CACHE_SECONDS * 1000, now }),
    authFailures: new AuthFailureThrottle({ failuresPerWindow: config.AUTH_FAILURES_PER_MINUTE, now }),
    healthProbe: redis ? new HealthProbe({ runner: redis, breaker, inFlightTimeoutMs: inFlightBoundMs, now }) : undefined,
    metrics,
    originReads,
  };
}

// Per-isolate state lives here, created on first use. Keyed by env object first (cheap), then
// by the parsed config, so an isolate keeps one L1 however the runtime hands env over.
const byEnv = new WeakMap<object, ServicesResult>();
const byConfig = new Map<string, ServicesResult>();

export function servicesFor(env: object): ServicesResult {
  let result = byEnv.get(env);
  if (!result) {
    result = resolve(env as Record<string, unknown>);
    byEnv.set(env, result);
  }
  return result;
}

function resolve(env: Record<string, unknown>): ServicesResult {
  const parsed = parseEnv(env);
  if (!parsed.ok) return parsed;
  const fingerprint = JSON.stringify(parsed.config);
  let result = byConfig.get(fingerprint);
  if (!result) {
    result = { ok: true, services: buildServices(parsed.config) };
    byConfig.set(fingerprint, result);
  }
  return result;
}

/** Forgets every isolate-level service; tests use it to start from a cold isolate. */
export function resetServices(): void {
  byConfig.clear();
}
