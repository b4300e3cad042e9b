import { StaticTokenVerifier, TenantTokensError } from "./auth/static-tokens";
import { CircuitBreaker } from "./cache/circuit-breaker";
import { MemoryStore } from "./cache/memory-store";
import { createUpstashRunner, type RedisRunner } from "./cache/redis-client";
import { TieredStore } from "./cache/tiered-store";
import { UpstashStore } from "./cache/upstash-store";
import { type Config, parseEnv, usesRedis } from "./env";
import { StatsBuffer } from "./stats/stats-buffer";

/** Everything a request needs, built once per isolate (per distinct config) and passed in. */
export interface Services {
  config: Config;
  store: TieredStore;
  /** Absent in memory-only mode. */
  redis: RedisRunner | undefined;
  stats: StatsBuffer;
  tokens: StaticTokenVerifier;
}

export type ServicesResult = { ok: true; services: Services } | { ok: false; problems: string[] };

export interface ServiceOverrides {
  /** Wraps the Redis transport (tests count or break calls with it). */
  wrapRunner?: (runner: RedisRunner) => RedisRunner;
  now?: () => number;
}

export async function buildServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const now = overrides.now ?? Date.now;
  let redis: RedisRunner | undefined;
  if (usesRedis(config)) {
    const runner = createUpstashRunner({
      url: config.UPSTASH_REDIS_REST_URL as string,
      token: config.UPSTASH_REDIS_REST_TOKEN as string,
      timeoutMs: config.L2_TIMEOUT_MS,
      retries: config.L2_RETRIES,
    });
    redis = overrides.wrapRunner ? overrides.wrapRunner(runner) : runner;
  }
  const l1 = new MemoryStore({ budgetBytes: config.L1_BUDGET_BYTES, now });
  const store = new TieredStore({
    l1,
    l2: redis
      ? new UpstashStore({ runner: redis, codec: { compressionThresholdBytes: config.COMPRESSION_THRESHOLD_BYTES }, now })
      : undefined,
    breaker: new CircuitBreaker({ failureThreshold: config.CIRCUIT_FAILURE_THRESHOLD, cooldownMs: config.CIRCUIT_COOLDOWN_MS, now }),
    l1MaxTtlMs: config.L1_MAX_TTL_SECONDS * 1000,
    l1GraceMs: config.L1_GRACE_SECONDS * 1000,
    now,
  });
  return {
    config,
    store,
    redis,
    stats: new StatsBuffer({ flushIntervalMs: config.STATS_FLUSH_INTERVAL_MS, now }),
    tokens: await StaticTokenVerifier.fromSecret(config.TENANT_TOKENS),
  };
}

// Per-isolate state lives here, created on first use. Keyed by env object first (cheap), then
// by the parsed config, so an isolate keeps one L1 however the runtime hands env over.
const byEnv = new WeakMap<object, Promise<ServicesResult>>();
const byConfig = new Map<string, Promise<ServicesResult>>();

export function servicesFor(env: object): Promise<ServicesResult> {
  let result = byEnv.get(env);
  if (!result) {
    result = resolve(env as Record<string, unknown>);
    byEnv.set(env, result);
  }
  return result;
}

async function resolve(env: Record<string, unknown>): Promise<ServicesResult> {
  const parsed = parseEnv(env);
  if (!parsed.ok) return parsed;
  const fingerprint = JSON.stringify(parsed.config);
  let result = byConfig.get(fingerprint);
  if (!result) {
    result = buildServices(parsed.config).then(
      (services): ServicesResult => ({ ok: true, services }),
      (error: unknown): ServicesResult => {
        if (error instanceof TenantTokensError) return { ok: false, problems: [error.message] };
        throw error;
      },
    );
    byConfig.set(fingerprint, result);
  }
  return result;
}

/** Forgets every isolate-level service; tests use it to start from a cold isolate. */
export function resetServices(): void {
  byConfig.clear();
}
