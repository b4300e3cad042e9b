import { checkDeadlines, type DeadlineBudget, latencyByPhase } from "./checks/deadlines.ts";
import type { DurabilitySnapshot } from "./checks/durability-snapshot.ts";
import { checkHealthTransitions, type FaultWindow, type OutageHealth } from "./checks/health-transitions.ts";
import { checkIntegrity } from "./checks/integrity.ts";
import { type InvariantResult, invariant } from "./checks/invariant.ts";
import { checkMemoryPressure } from "./checks/memory.ts";
import { checkRateLimits, type RateRule } from "./checks/rate-limits.ts";
import { checkL1Budget, checkStaleness } from "./checks/staleness.ts";
import { checkStatsNeverOverCount } from "./checks/stats-counts.ts";
import { checkDocumentedStatuses, checkResidentReads } from "./checks/statuses.ts";
import type { FloodResult } from "./flood.ts";
import { percentile, round } from "./percentile.ts";
import type { HealthSample } from "./samplers/health-sampler.ts";
import type { HeapSample } from "./samplers/heap-sampler.ts";
import type { Pulse } from "./samplers/pulse.ts";
import type { StatsSample } from "./samplers/stats-sampler.ts";
import type { Journal, RequestRecord } from "./traffic/journal.ts";

export interface RunData {
  journal: Journal;
  /** Phases during which traffic ran under the schedule (baseline, faults, recoveries). */
  loadPhases: ReadonlySet<string>;
  windows: FaultWindow[];
  health: HealthSample[];
  heap: HeapSample[];
  statsDuring: StatsSample[];
  statsAtRest: StatsSample[];
  durability: DurabilitySnapshot[];
  rateLimitCounters: ReadonlyMap<string, number>;
  rateLimit: { tenant: string; tenantRule: RateRule; tightTokenId: string; tightRule: RateRule };
  flood: FloodResult;
  l2TimeoutMs: number;
  graceSeconds: number;
  /** The pulse: the machine's own delay over time. */
  pulse: Pulse;
  budgetBytes: number;
}

export interface Evaluation {
  invariants: InvariantResult[];
  budget: DeadlineBudget;
  outages: OutageHealth[];
  latency: ReturnType<typeof latencyByPhase>;
  rateLimitFigures: Record<string, number>;
  totals: { requests: number; byRoute: Record<string, number>; writes: Record<string, number> };
  /** The pulse over the load phases: how often the machine itself held requests back. */
  machine: { pulses: number; p50Ms: number; p99Ms: number; maxMs: number };
}

function durabilityInvariant(snapshots: readonly DurabilitySnapshot[]): InvariantResult {
  const last = snapshots.at(-1);
  const applied = snapshots.reduce((n, s) => n + s.unackedApplied.memory, 0);
  return invariant(
    "durability",
    "every 201 write readable in Redis after each recovery (unless expired or overwritten); nothing acknowledged that Redis lacks",
    snapshots.reduce((n, s) => n + s.keys, 0),
    snapshots.flatMap((s) => s.violations),
    `${snapshots.length} checks; final: ${last ? `${last.ackedKeys} keys with a 201, ${JSON.stringify(last.verdicts)}` : "none"}; ` +
      `a write answered 202 (memory only) was what Redis held in ${applied} key checks`,
  );
}

export function evaluate(data: RunData): Evaluation {
  const { journal } = data;
  const load = journal.records.filter((r) => data.loadPhases.has(r.phase));
  const baseline = load.filter((r) => r.phase === "baseline").map((r) => r.latencyMs);
  const baselineWindow = load.filter((r) => r.phase === "baseline");
  const from = Math.min(...baselineWindow.map((r) => r.start));
  const to = Math.max(...baselineWindow.map((r) => r.end));
  const budget: DeadlineBudget = {
    l2TimeoutMs: data.l2TimeoutMs,
    slackMs: 50,
    baselineMs: percentile(data.pulse.latencies(from, to), 99),
    trafficBaselineMs: percentile(baseline, 99),
  };
  const machineDelay = (start: number, end: number) => data.pulse.delayDuring(start, end, budget.baselineMs);
  const phaseOf = new Map(journal.records.map((r) => [r.id, r.phase]));
  const loadEvents = journal.events.filter((e) => {
    const phase = phaseOf.get(e.recordId) ?? "";
    return data.loadPhases.has(phase) || phase === "seed";
  });
  const beforeFlood = data.health.filter((s) => data.loadPhases.has(s.phase));
  const l1UnderBudget = Math.max(0, ...beforeFlood.map((s) => s.l1Bytes ?? 0)) < 0.9 * data.budgetBytes;
  const health = checkHealthTransitions(data.windows, data.health);
  const rate = checkRateLimits({
    counters: data.rateLimitCounters,
    records: journal.records.filter((r) => r.tenant === data.rateLimit.tenant),
    ...data.rateLimit,
  });
  const invariants = [
    checkDeadlines(load, budget, machineDelay),
    checkDocumentedStatuses(journal.records.filter((r) => data.loadPhases.has(r.phase) || r.phase === "flood")),
    checkResidentReads(loadEvents, data.graceSeconds * 1000, l1UnderBudget),
    durabilityInvariant(data.durability),
    checkIntegrity(journal.events),
    checkStaleness(journal.events, data.graceSeconds),
    checkL1Budget(data.health),
    health.result,
    checkStatsNeverOverCount(data.statsDuring, data.statsAtRest),
    rate.result,
    checkMemoryPressure(
      data.flood,
      data.health.filter((s) => s.phase === "flood"),
      data.heap,
      data.budgetBytes,
    ),
  ];
  const count = (items: readonly RequestRecord[], key: (r: RequestRecord) => string) =>
    items.reduce<Record<string, number>>((acc, r) => {
      acc[key(r)] = (acc[key(r)] ?? 0) + 1;
      return acc;
    }, {});
  const writes = journal.events.reduce<Record<string, number>>((acc, e) => {
    if (e.kind === "write") acc[e.outcome] = (acc[e.outcome] ?? 0) + 1;
    return acc;
  }, {});
  const pulses = data.pulse.latencies(Math.min(...load.map((r) => r.start)), Math.max(...load.map((r) => r.end)));
  return {
    machine: {
      pulses: pulses.length,
      p50Ms: round(percentile(pulses, 50)),
      p99Ms: round(percentile(pulses, 99)),
      maxMs: round(Math.max(0, ...pulses)),
    },
    invariants,
    budget,
    outages: health.outages,
    latency: latencyByPhase(load),
    rateLimitFigures: rate.figures,
    totals: { requests: journal.records.length, byRoute: count(journal.records, (r) => `${r.route} ${r.status}`), writes },
  };
}
