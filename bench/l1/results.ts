import type { SeedSpread } from "./stability.ts";

/** The shape of bench/results/l1-study-<date>.json, written by study.ts and memory.ts. */

export interface Environment {
  node: string;
  v8: string;
  cpu: string;
  cpus: number;
  platform: string;
}

export interface PolicyResult {
  /** Hits / requests after the warm-up. */
  hitRatio: number;
  /** Hits / requests over the whole trace, warm-up included. */
  hitRatioWithWarmup: number;
  /** (gets + sets) / median seconds of the whole trace; absent for offline policies. */
  opsPerSecond?: number;
  requestsPerSecond?: number;
  runsMs?: number[];
}

export interface Scenario {
  workload: string;
  label: string;
  /** Cache size as a share of the Zipf key count. */
  cacheShare: number;
  capacity: number;
  policies: Record<string, PolicyResult>;
  sieveMinusLruPoints: number;
}

export interface SwitchVerdict {
  policy: string;
  meanGainPoints: number;
  worstGainPoints: number;
  /** Median over scenarios of its ops/s divided by SIEVE's. */
  speedRatio: number;
  earnsSwitch: boolean;
}

export interface Verdicts {
  sieveAtLeastLruEverywhere: boolean;
  targetScenario: string;
  targetGainPoints: number;
  targetMet: boolean;
  switches: SwitchVerdict[];
}

export interface HitRatioSection {
  measuredAt: string;
  method: {
    keyCount: number;
    requests: number;
    warmupRequests: number;
    scanLength: number;
    rounds: number;
    seeds: Record<string, number>;
  };
  scenarios: Scenario[];
  /** The target scenario replayed under other seeds. */
  seedSpread: { scenario: string } & SeedSpread;
  verdicts: Verdicts;
}

export interface MemoryRow {
  valueBytes: number;
  entries: number;
  accountedBytes: number;
  measuredBytes: number;
  /** accounted / measured: 1 is exact, below 1 the budget undercounts the heap. */
  ratio: number;
  accountedPerEntry: number;
  measuredPerEntry: number;
  heapUsedBytes: number;
  arrayBuffersBytes: number;
  runs: number;
}

export interface MemorySection {
  measuredAt: string;
  method: string;
  rows: MemoryRow[];
  /** A fitted replacement for entryFootprint's formula, when the current one misses the target. */
  suggestion?: string;
}

export interface L1Results {
  environment: Environment;
  hitRatio?: HitRatioSection;
  memory?: MemorySection;
}
