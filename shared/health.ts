import type { CircuitState } from "./cache/circuit-breaker";
import type { MemoryUsage } from "./cache/memory-store";
import type { Services } from "./services";

export type HealthStatus = "ok" | "degraded" | "down";

export interface HealthReport {
  status: HealthStatus;
  store: "redis" | "memory";
  redis: { reachable: boolean; latencyMs: number | null; circuit: CircuitState } | null;
  l1: MemoryUsage;
  version: string;
}

export const VERSION = "0.1.0";

/**
 * ok: the configured store answers. degraded: Redis is configured but failing and L1 still
 * serves what it holds. down: Redis is failing and L1 holds nothing, so every read misses.
 * The ping goes through the circuit breaker: an open circuit answers without waiting on Redis,
 * and a half-open one takes the ping as its probe, so the circuit closes without traffic.
 */
export async function checkHealth(services: Services, now: () => number = Date.now): Promise<HealthReport> {
  const l1 = services.store.l1.usage();
  const redis = services.redis;
  if (!redis) return { status: "ok", store: "memory", redis: null, l1, version: VERSION };
  const started = now();
  // services.redis shares the store's breaker: an open circuit answers at once.
  const reachable = await redis.run([{ op: "ping" }]).then(
    ([reply]) => reply?.ok === true,
    () => false,
  );
  const circuit = services.store.breaker.state;
  const status: HealthStatus = reachable && circuit === "closed" ? "ok" : l1.entries > 0 ? "degraded" : "down";
  return {
    status,
    store: "redis",
    redis: { reachable, latencyMs: reachable ? now() - started : null, circuit },
    l1,
    version: VERSION,
  };
}
