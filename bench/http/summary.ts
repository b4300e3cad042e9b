import { median } from "../l1/median.ts";
import { degradedCount } from "./outcomes.ts";
import type { RunRecord } from "./run-types.ts";

export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** A cell's repetitions, reduced: medians for speed, sums over all repetitions for counts. */
export interface CellSummary {
  scenario: string;
  edgeCache: boolean;
  connections: number;
  latencyMs: number;
  reps: number;
  requestsPerSecond: Spread;
  p50Ms: Spread;
  p99Ms: Spread;
  /** Successful (2xx) responses. */
  operations: number;
  /** Requests sent: the per-operation denominator (see LoadResult.sent). */
  sent: number;
  /** Socket errors, timeouts, non-2xx. */
  errors: number;
  /** Responses or batch operations served degraded (outcomes.ts). */
  degraded: number;
  outcomes: Record<string, number>;
  /** Share of edge-cache GET responses served from Redis (X-Cache HIT-L2); undefined for other scenarios. */
  l2Share: number | undefined;
  /** Gateway requests per request sent, all causes. */
  gatewayRequestsPerOp: number;
  /** Of which stats flushes (one request each). */
  statsRequestsPerOp: number;
  /** Of which token re-verifications: calls of the resolve-token script, counted by its SHA at the gateway. */
  tokenRequestsPerOp: number;
  /**
   * CPU the worker's workerd process spent per request sent, µs (every repetition pooled). Barely
   * moved by other load on the machine, unlike req/s. Includes Miniflare's entry worker, which
   * every scenario pays alike.
   */
  workerCpuUsPerOp: number | undefined;
  /** CPU redis-server spent per request sent, µs: what the Lua scripts cost. Undefined for results before it was measured. */
  redisCpuUsPerOp?: number | undefined;
  gatewayCommands: Record<string, number>;
  redisCalls: Record<string, number>;
  loadAverage: Spread;
}

const spread = (values: number[]): Spread => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });

function addInto(target: Record<string, number>, source: Record<string, number>): Record<string, number> {
  for (const [name, n] of Object.entries(source)) target[name] = (target[name] ?? 0) + n;
  return target;
}

function l2ShareOf(outcomes: Record<string, number>): number | undefined {
  const reads = Object.entries(outcomes).filter(([name]) => name.startsWith("x-cache:"));
  const total = reads.reduce((sum, [, n]) => sum + n, 0);
  return total === 0 ? undefined : (outcomes["x-cache:HIT-L2"] ?? 0) / total;
}

export function summarize(records: readonly RunRecord[]): CellSummary[] {
  const groups = new Map<string, RunRecord[]>();
  for (const record of records) {
    const key = `${record.scenario}|${record.connections}|${record.latencyMs}`;
    groups.set(key, [...(groups.get(key) ?? []), record]);
  }
  return [...groups.values()].map((runs) => {
    const first = runs[0] as RunRecord;
    const sum = (pick: (r: RunRecord) => number) => runs.reduce((total, r) => total + pick(r), 0);
    const sent = sum((r) => r.load.sent);
    const perOp = (value: number) => (sent === 0 ? Number.NaN : value / sent);
    const outcomes = runs.reduce((acc, r) => addInto(acc, r.load.outcomes), {} as Record<string, number>);
    const redisCalls = runs.reduce((acc, r) => addInto(acc, r.redisCalls), {} as Record<string, number>);
    return {
      scenario: first.scenario,
      edgeCache: first.edgeCache,
      connections: first.connections,
      latencyMs: first.latencyMs,
      reps: runs.length,
      requestsPerSecond: spread(runs.map((r) => r.load.requestsPerSecond)),
      p50Ms: spread(runs.map((r) => r.load.p50Ms)),
      p99Ms: spread(runs.map((r) => r.load.p99Ms)),
      operations: sum((r) => r.load.ok),
      sent,
      errors: sum((r) => r.load.errors),
      degraded: degradedCount(outcomes),
      outcomes,
      l2Share: l2ShareOf(outcomes),
      gatewayRequestsPerOp: perOp(sum((r) => r.gatewayRequests)),
      statsRequestsPerOp: perOp(sum((r) => r.statsFlushes)),
      tokenRequestsPerOp: first.edgeCache ? perOp(sum((r) => r.tokenChecks)) : 0,
      workerCpuUsPerOp: runs.every((r) => r.workerCpuMs !== undefined) ? perOp(sum((r) => r.workerCpuMs ?? 0) * 1000) : undefined,
      redisCpuUsPerOp: runs.every((r) => r.redisCpuMs !== undefined) ? perOp(sum((r) => r.redisCpuMs ?? 0) * 1000) : undefined,
      gatewayCommands: runs.reduce((acc, r) => addInto(acc, r.gatewayCommands), {} as Record<string, number>),
      redisCalls,
      loadAverage: spread(runs.flatMap((r) => r.loadAverage)),
    };
  });
}
