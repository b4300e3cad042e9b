import type { MemoryUsage } from "./cache/memory-store";
import { type MigrationStatus, readMigrationStatus } from "./l2/migration/migration-status";
import { OFF_WITHOUT_REDIS } from "./memory-only";
import type { CircuitState } from "./redis/circuit-breaker";
import type { Services } from "./services";

export type HealthStatus = "ok" | "degraded" | "down";

export interface HealthReport {
  status: HealthStatus;
  store: "redis" | "memory";
  redis: { reachable: boolean; latencyMs: number | null; circuit: CircuitState } | null;
  l1: MemoryUsage;
  /** A move between two L2 databases (README "Moving to another L2 database"); null when none is configured. */
  migration: MigrationStatus | null;
  /** What this deployment cannot do in its mode: empty with Redis, the memory-only list without. */
  off: readonly string[];
  version: string;
}

export const VERSION = "0.1.0";

/**
 * ok: the configured store answers. degraded: Redis is configured but failing and L1 still
 * serves what it holds. down: Redis is failing and L1 holds nothing, so every read misses.
 * Reachability and latency come from the isolate's last probe (at most one a second: see
 * health-probe.ts); the circuit and the status follow the breaker's state at this moment, so an
 * open circuit is never reported ok on the strength of an earlier probe.
 */
export async function checkHealth(services: Services): Promise<HealthReport> {
  const l1 = services.store.l1.usage();
  const probe = services.healthProbe;
  if (!probe) return { status: "ok", store: "memory", redis: null, l1, migration: null, off: OFF_WITHOUT_REDIS, version: VERSION };
  const { reachable, latencyMs } = await probe.probe();
  const circuit = services.store.breaker.state;
  const status: HealthStatus = reachable && circuit === "closed" ? "ok" : l1.entries > 0 ? "degraded" : "down";
  const l2Migration = services.l2?.migration;
  const migration = l2Migration ? await readMigrationStatus(l2Migration, { reuse: true }) : null;
  return { status, store: "redis", redis: { reachable, latencyMs, circuit }, l1, migration, off: [], version: VERSION };
}
