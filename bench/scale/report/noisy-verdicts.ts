import { DEGRADED_OUTCOMES, degradedCount } from "../../http/outcomes.ts";
import { median } from "../../l1/median.ts";
import type { PacedResult } from "../load/paced-types.ts";
import type { FloodStream } from "../noisy/flood.ts";
import type { NoisyResults } from "../noisy/noisy-run.ts";
import type { WorkerRole } from "../stack/scale-worker.ts";

/** B's p99 under the flood may be at most this multiple of its solo p99. */
export const P99_TARGET_RATIO = 1.2;

export interface SteadyTotals {
  sent: number;
  responses: number;
  ok: number;
  /** Socket errors and timeouts. */
  failures: number;
  /** 2xx answers that were not served normally: STALE reads, writes kept in memory only. */
  degraded: number;
  degradedOutcomes: Record<string, number>;
  statusCodes: Record<string, number>;
  achievedRate: number;
}

export interface StreamTotals {
  sent: number;
  achievedRate: number;
  answers: Record<string, number>;
  /** What batch answers said of their sets (`batch:stored:memory`, say), and other outcomes. */
  outcomes: Record<string, number>;
}

export interface NoisyVerdicts {
  solo: SteadyTotals;
  flood: SteadyTotals;
  /** Every request B sent during the floods answered 2xx, none degraded. */
  steadyAllSucceeded: boolean;
  /** Medians over rounds of each run's percentile. */
  p50Ms: { solo: number; flood: number; ratio: number };
  p99Ms: { solo: number; flood: number; ratio: number };
  p99WithinTarget: boolean;
  breakerClosed: boolean;
  /** `/health` samples taken during the floods, by circuit state. */
  circuitDuringFloods: Record<string, number>;
  flooder: { oversizedBatches: StreamTotals; fakeTokens: StreamTotals; overRateLimit: StreamTotals; ticks: number };
  /** B's run beside one of A's streams at a time, against B's solo p99 (median over rounds). */
  attribution: { stream: FloodStream; p50Ms: number; p99Ms: number; p99Ratio: number; ok: number; sent: number }[];
  /** Gateway requests per second of each run, medians over rounds, by role. */
  gatewayPerSecond: { solo: Record<WorkerRole, number>; flood: Record<WorkerRole, number> };
}

function steadyTotals(runs: readonly PacedResult[]): SteadyTotals {
  const statusCodes: Record<string, number> = {};
  for (const run of runs) for (const [status, n] of Object.entries(run.statusCodes)) statusCodes[status] = (statusCodes[status] ?? 0) + n;
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const responses = runs.reduce((sum, r) => sum + r.responses, 0);
  return {
    sent: runs.reduce((sum, r) => sum + r.sent, 0),
    responses,
    ok: runs.reduce((sum, r) => sum + r.ok, 0),
    failures: runs.reduce((sum, r) => sum + r.failures, 0),
    degraded: runs.reduce((total, r) => total + degradedCount(r.outcomes), 0),
    degradedOutcomes: Object.fromEntries(
      DEGRADED_OUTCOMES.map((name) => [name, runs.reduce((total, r) => total + (r.outcomes[name] ?? 0), 0)] as const).filter(
        ([, n]) => n > 0,
      ),
    ),
    statusCodes,
    achievedRate: seconds > 0 ? responses / seconds : 0,
  };
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [key, n] of Object.entries(from)) into[key] = (into[key] ?? 0) + n;
}

function streamTotals(runs: readonly PacedResult[]): StreamTotals {
  const answers: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  for (const run of runs) {
    addCounts(answers, run.answers);
    addCounts(outcomes, run.outcomes);
  }
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const responses = runs.reduce((sum, r) => sum + r.responses, 0);
  return { sent: runs.reduce((total, r) => total + r.sent, 0), achievedRate: seconds > 0 ? responses / seconds : 0, answers, outcomes };
}

function perSecond(rounds: NoisyResults["rounds"], phase: "solo" | "flood"): Record<WorkerRole, number> {
  const roles = Object.keys(rounds[0]?.gateway[phase] ?? {}) as WorkerRole[];
  return Object.fromEntries(
    roles.map((role) => [
      role,
      median(
        rounds.map((r) => {
          const seconds = phase === "solo" ? r.solo.seconds : (r.flood.endedAt - r.flood.startedAt) / 1000;
          return r.gateway[phase][role] / seconds;
        }),
      ),
    ]),
  ) as Record<WorkerRole, number>;
}

export function judgeNoisy(results: NoisyResults): NoisyVerdicts {
  const soloRuns = results.rounds.map((r) => r.solo);
  const floodRuns = results.rounds.map((r) => r.flood.steady);
  const flood = steadyTotals(floodRuns);
  const p50 = { solo: median(soloRuns.map((r) => r.p50Ms)), flood: median(floodRuns.map((r) => r.p50Ms)) };
  const p99 = { solo: median(soloRuns.map((r) => r.p99Ms)), flood: median(floodRuns.map((r) => r.p99Ms)) };
  const flooders = results.rounds.map((r) => r.flood.flooder);
  return {
    solo: steadyTotals(soloRuns),
    flood,
    steadyAllSucceeded: flood.sent > 0 && flood.ok === flood.sent && flood.failures === 0 && flood.degraded === 0,
    p50Ms: { ...p50, ratio: p50.flood / p50.solo },
    p99Ms: { ...p99, ratio: p99.flood / p99.solo },
    p99WithinTarget: p99.flood <= P99_TARGET_RATIO * p99.solo,
    breakerClosed: results.health.circuit === "closed",
    circuitDuringFloods: results.rounds.reduce<Record<string, number>>((all, r) => {
      addCounts(all, r.flood.health?.circuit ?? {});
      return all;
    }, {}),
    flooder: {
      oversizedBatches: streamTotals(flooders.flatMap((f) => f.oversizedBatches ?? [])),
      fakeTokens: streamTotals(flooders.flatMap((f) => f.fakeTokens ?? [])),
      overRateLimit: streamTotals(flooders.flatMap((f) => f.overRateLimit ?? [])),
      ticks: flooders.reduce((sum, f) => sum + (f.ticks?.fired ?? 0), 0),
    },
    attribution: results.attribution.map(({ stream, steady }) => ({
      stream,
      p50Ms: steady.p50Ms,
      p99Ms: steady.p99Ms,
      p99Ratio: steady.p99Ms / p99.solo,
      ok: steady.ok,
      sent: steady.sent,
    })),
    gatewayPerSecond: { solo: perSecond(results.rounds, "solo"), flood: perSecond(results.rounds, "flood") },
  };
}
