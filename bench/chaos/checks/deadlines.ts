import { percentile, round } from "../percentile.ts";
import type { RequestRecord } from "../traffic/journal.ts";
import { type InvariantResult, invariant } from "./invariant.ts";

export interface DeadlineBudget {
  l2TimeoutMs: number;
  /** The allowance the invariant states on top of L2_TIMEOUT_MS. */
  slackMs: number;
  /** p99 of the pulse (a request that touches neither auth nor Redis) before any fault: loopback and Miniflare. */
  baselineMs: number;
  /** p99 of the real traffic before any fault, for comparison (a healthy Redis round trip included). */
  trafficBaselineMs: number;
}

export function deadlineOf(budget: DeadlineBudget): number {
  return budget.l2TimeoutMs + budget.slackMs + budget.baselineMs;
}

/**
 * Every response, under every fault, within L2_TIMEOUT_MS + 50 ms + the baseline overhead. A miss
 * is excused only when the pulse shows the machine itself held requests back for long enough to
 * explain it (`machineDelay`): another process had the CPU, not the worker waiting on Redis.
 */
export function checkDeadlines(
  records: readonly RequestRecord[],
  budget: DeadlineBudget,
  machineDelay: (start: number, end: number) => number,
): InvariantResult {
  const deadline = deadlineOf(budget);
  const late = records.filter((r) => r.status === 0 || r.latencyMs > deadline);
  const excused = late.filter((r) => r.status !== 0 && r.latencyMs - machineDelay(r.start, r.end) <= deadline);
  const failures = late
    .filter((r) => !excused.includes(r))
    .map(
      (r) =>
        `${r.phase}: ${r.route} (${r.tenant || "-"}${r.token === "tight" ? ", limited token" : ""}) ${r.status || "no answer"} after ${round(r.latencyMs)} ms` +
        ` (machine delay meanwhile ${round(machineDelay(r.start, r.end))} ms)`,
    );
  const latencies = records.map((r) => r.latencyMs);
  const worstPhase = [...new Set(records.map((r) => r.phase))]
    .map((phase) => ({ phase, max: Math.max(...records.filter((r) => r.phase === phase).map((r) => r.latencyMs)) }))
    .sort((a, b) => b.max - a.max)[0];
  return invariant(
    "deadline",
    `every response within L2_TIMEOUT_MS + ${budget.slackMs} ms + loopback/Miniflare baseline (${budget.l2TimeoutMs} + ${budget.slackMs} + ${round(budget.baselineMs)} = ${round(deadline)} ms)`,
    records.length,
    failures,
    `p50 ${round(percentile(latencies, 50))} ms, p99 ${round(percentile(latencies, 99))} ms, max ${round(Math.max(...latencies))} ms` +
      (worstPhase ? ` (in ${worstPhase.phase})` : "") +
      `; ${excused.length} more over it while the machine itself stalled (excused by the pulse)`,
  );
}

/** Latency percentiles per phase, for the report. */
export function latencyByPhase(
  records: readonly RequestRecord[],
): { phase: string; requests: number; p50: number; p99: number; max: number }[] {
  const phases = [...new Set(records.map((r) => r.phase))];
  return phases.map((phase) => {
    const latencies = records.filter((r) => r.phase === phase).map((r) => r.latencyMs);
    return {
      phase,
      requests: latencies.length,
      p50: round(percentile(latencies, 50)),
      p99: round(percentile(latencies, 99)),
      max: round(Math.max(...latencies)),
    };
  });
}
