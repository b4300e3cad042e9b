import type { CopyRun } from "../measure/copy-run.ts";
import { type RssTrend, rssTrend } from "./rss-trend.ts";

/** The targets, on this 2-core machine. */
export const TARGETS = {
  keysPerSecond: 5000,
  /** At batches of 100: one batch request per 100 keys, and a handful of admin calls per run. */
  requestsPerKey: 0.011,
  /**
   * "Flat" peak RSS between the smallest and largest size, as the issue words it: within 1.5×, or
   * at most 50 MiB more. Where V8 lets the heap settle moves a peak by tens of MiB between a short
   * and a long run; memory kept per key is read directly from the RSS trend within the largest copy.
   */
  rssGrowthMiB: 50,
  rssGrowthRatio: 1.5,
} as const;

export interface RunVerdict {
  keys: number;
  keysPerSecond: number;
  requestsPerKey: number;
  /** Every key in the state file's totals and in the L2, none refused or evicted, the run completed. */
  complete: boolean;
}

export interface MigrateVerdicts {
  runs: RunVerdict[];
  /** Every size at or over the target (undefined: nothing measured). */
  throughputMet: boolean | undefined;
  /** Undefined unless the CLI ran with batches of 100, which the target is stated for. */
  requestsPerKeyMet: boolean | undefined;
  rss:
    | {
        smallestKeys: number;
        largestKeys: number;
        smallestMiB: number;
        largestMiB: number;
        growthMiB: number;
        ratio: number;
        met: boolean;
        /** Within the largest copy: RSS late against early. */
        trend: RssTrend | undefined;
      }
    | undefined;
  completeMet: boolean;
}

export function keysPerSecond(run: CopyRun): number {
  return run.keys / run.cli.wallSeconds;
}

export function judgeMigrate(runs: readonly CopyRun[], batchSize: number): MigrateVerdicts {
  const perRun = runs.map(
    (run): RunVerdict => ({
      keys: run.keys,
      keysPerSecond: keysPerSecond(run),
      requestsPerKey: run.requests.total / run.keys,
      complete:
        run.state.completed &&
        run.state.copied === run.keys &&
        run.state.refused === 0 &&
        run.l2.entries === run.keys &&
        run.l2.evictedKeys === 0,
    }),
  );
  const sorted = [...runs].sort((a, b) => a.keys - b.keys);
  const smallest = sorted[0];
  const largest = sorted.at(-1);
  let rss: MigrateVerdicts["rss"];
  if (smallest && largest && largest.keys > smallest.keys && smallest.cli.peakRssMiB && largest.cli.peakRssMiB) {
    const growthMiB = largest.cli.peakRssMiB - smallest.cli.peakRssMiB;
    const ratio = largest.cli.peakRssMiB / smallest.cli.peakRssMiB;
    rss = {
      smallestKeys: smallest.keys,
      largestKeys: largest.keys,
      smallestMiB: smallest.cli.peakRssMiB,
      largestMiB: largest.cli.peakRssMiB,
      growthMiB,
      ratio,
      met: growthMiB <= TARGETS.rssGrowthMiB || ratio <= TARGETS.rssGrowthRatio,
      trend: rssTrend(largest),
    };
  }
  return {
    runs: perRun,
    throughputMet: perRun.length === 0 ? undefined : perRun.every((r) => r.keysPerSecond >= TARGETS.keysPerSecond),
    requestsPerKeyMet:
      batchSize !== 100 || perRun.length === 0 ? undefined : perRun.every((r) => r.requestsPerKey <= TARGETS.requestsPerKey),
    rss,
    completeMet: perRun.every((r) => r.complete),
  };
}
