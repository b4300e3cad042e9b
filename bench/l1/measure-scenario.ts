import { beladyHits } from "./belady.ts";
import { median } from "./median.ts";
import { ONLINE_POLICIES } from "./policies.ts";
import { replay } from "./replay.ts";
import type { PolicyResult } from "./results.ts";
import type { Trace } from "./traces.ts";

export interface ScenarioInput {
  trace: Trace;
  /** nextUses(trace.ids), shared by every size of one workload. */
  next: Int32Array;
  capacity: number;
  warmup: number;
  /** Timed replays per online policy; the hit counts of every replay must agree. */
  rounds: number;
}

/** Every policy over one trace at one cache size: hit ratios, and ops/s as medians of rounds. */
export function measureScenario(input: ScenarioInput): Record<string, PolicyResult> {
  const { trace, next, capacity, warmup, rounds } = input;
  const measured = trace.ids.length - warmup;
  const results: Record<string, PolicyResult> = {};
  for (const [name, bypass] of [
    ["OPT", true],
    ["OPT (no bypass)", false],
  ] as const) {
    const opt = beladyHits(trace.ids, next, trace.keys.length, { capacity, warmup, bypass });
    results[name] = { hitRatio: opt.hits / measured, hitRatioWithWarmup: opt.hitsWithWarmup / trace.ids.length };
  }
  const runs = new Map<string, { hits: number; hitsWithWarmup: number; sets: number; ms: number[] }>();
  for (let round = 0; round < rounds; round++) {
    // Rotating the order spreads JIT warm-up and GC debt over the policies instead of the first.
    for (let i = 0; i < ONLINE_POLICIES.length; i++) {
      const policy = ONLINE_POLICIES[(i + round) % ONLINE_POLICIES.length];
      if (!policy) continue;
      const run = replay(policy.name, policy.create(capacity), trace.ids, trace.keys, warmup);
      const seen = runs.get(policy.name);
      if (seen && seen.hits !== run.hits) throw new Error(`${policy.name} is not deterministic: ${seen.hits} then ${run.hits} hits`);
      if (seen) seen.ms.push(run.elapsedMs);
      else runs.set(policy.name, { hits: run.hits, hitsWithWarmup: run.hitsWithWarmup, sets: run.sets, ms: [run.elapsedMs] });
    }
  }
  for (const [name, run] of runs) {
    const seconds = median(run.ms) / 1000;
    results[name] = {
      hitRatio: run.hits / measured,
      hitRatioWithWarmup: run.hitsWithWarmup / trace.ids.length,
      opsPerSecond: Math.round((trace.ids.length + run.sets) / seconds),
      requestsPerSecond: Math.round(trace.ids.length / seconds),
      runsMs: run.ms.map((ms) => Math.round(ms * 10) / 10),
    };
  }
  return results;
}
