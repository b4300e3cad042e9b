import type { CopyRun } from "../measure/copy-run.ts";

export interface RssTrend {
  /** Median VmRSS over 10-20% of the copy's wall time, once start-up and the first windows are behind it. */
  earlyMiB: number;
  /** Median VmRSS over its last 10%. */
  lateMiB: number;
  /** Keys copied between the two, assuming an even rate. */
  keysBetween: number;
  bytesPerKey: number;
}

/**
 * Memory kept per key shows within one long copy too, without a second size to compare: RSS late
 * in the copy against RSS early in it. Medians, since V8 frees in steps that make any one sample
 * jump by a few MiB.
 */
export function rssTrend(run: CopyRun): RssTrend | undefined {
  const wall = run.cli.wallSeconds;
  const within = (from: number, to: number) =>
    run.cpu.cliRssMiB.filter(([seconds]) => seconds >= from * wall && seconds <= to * wall).map(([, mib]) => mib);
  const early = median(within(0.1, 0.2));
  const late = median(within(0.9, 1));
  if (early === undefined || late === undefined) return undefined;
  const keysBetween = Math.round(run.keys * 0.8);
  return { earlyMiB: early, lateMiB: late, keysBetween, bytesPerKey: ((late - early) * 1024 ** 2) / keysBetween };
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}
