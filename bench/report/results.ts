import { existsSync, readdirSync } from "node:fs";
import type { RunRecord } from "../http/run-types.ts";
import type { CellSummary } from "../http/summary.ts";
import type { Environment } from "../l1/results.ts";
import type { BenchOptions } from "../options.ts";
import type { BundleHeadline, L1Headline } from "./companions.ts";
import type { CpuHistory } from "./cpu-history.ts";
import type { Ratio } from "./ratios.ts";
import type { TargetVerdict } from "./targets.ts";

/** The shape of bench/results/<date>.json: everything RESULTS.md is rendered from. */
export interface BenchResults {
  measuredAt: string;
  environment: Environment;
  versions: Record<string, string>;
  compatibilityDate: string;
  method: Pick<BenchOptions, "durationSeconds" | "warmupSeconds" | "reps" | "connections" | "latencyMs" | "mixedKeyCount"> & {
    valueBytes: number;
    /** `--load`; absent in results measured before wrk, which used autocannon for every scenario. */
    load?: BenchOptions["load"];
  };
  scenarios: { id: string; letter: string; label: string; worker: string }[];
  cells: CellSummary[];
  ratios: Ratio[];
  targets: TargetVerdict[];
  /** Worker CPU per request against the previous results file; absent in the first run, and in runs before it was kept. */
  cpuHistory?: CpuHistory | undefined;
  /** Headlines of the companion measurements; their own files hold the rest. */
  l1Study: L1Headline | undefined;
  bundle: BundleHeadline | undefined;
  /** Every measured run, for whoever wants more than medians. */
  runs: RunRecord[];
}

/** The file a run's results are kept in, bench/results/<date>.json: one per day, a rerun replaces it. */
export function resultsFileName(measuredAt: string): string {
  return `${measuredAt.slice(0, 10)}.json`;
}

/** The kept runs' results files in bench/results, oldest first (companion files have a prefix). */
export function resultsFiles(resultsDir: string): string[] {
  if (!existsSync(resultsDir)) return [];
  return readdirSync(resultsDir)
    .filter((name) => /^\d{4}-\d{2}-\d{2}\.json$/.test(name))
    .sort();
}
