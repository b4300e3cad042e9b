import { ONLINE_POLICIES } from "./policies.ts";
import { replay } from "./replay.ts";
import { buildTrace, type Workload } from "./traces.ts";

export interface SeedSpread {
  seeds: number[];
  /** Per policy, the lowest and highest post-warm-up hit ratio over the seeds. */
  ranges: Record<string, { min: number; max: number }>;
}

/**
 * The same scenario under other seeds: differences between policies smaller than this spread are
 * noise of the synthetic trace, not a property of the policy.
 */
export function seedSpread(
  workload: Workload,
  options: { keyCount: number; requests: number; warmup: number; capacity: number; seeds: number[] },
): SeedSpread {
  const ranges: Record<string, { min: number; max: number }> = {};
  for (const seed of options.seeds) {
    const trace = buildTrace(workload, { keyCount: options.keyCount, length: options.requests, seed });
    for (const policy of ONLINE_POLICIES) {
      const { hits } = replay(policy.name, policy.create(options.capacity), trace.ids, trace.keys, options.warmup);
      const ratio = hits / (options.requests - options.warmup);
      const range = ranges[policy.name] ?? { min: ratio, max: ratio };
      ranges[policy.name] = { min: Math.min(range.min, ratio), max: Math.max(range.max, ratio) };
    }
  }
  return { seeds: options.seeds, ranges };
}
