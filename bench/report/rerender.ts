import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SCENARIOS } from "../http/scenarios.ts";
import { readBundleHeadline, readL1Headline } from "./companions.ts";
import { cpuHistory } from "./cpu-history.ts";
import { computeRatios } from "./ratios.ts";
import { type BenchResults, resultsFiles } from "./results.ts";
import { evaluateTargets } from "./targets.ts";
import { writeResults } from "./write-results.ts";

/**
 * Re-derives ratios and verdicts from the newest bench/results/<date>.json and rewrites it with
 * RESULTS.md and the chart: a change to the report or to a target's reading needs no new half
 * hour of measurement. The measured cells and runs are kept as they are.
 */
export function rerender(benchDir: string): string {
  const resultsDir = join(benchDir, "results");
  const newest = resultsFiles(resultsDir).at(-1);
  if (!newest) throw new Error("edge-cache bench: no bench/results/<date>.json to render; run npm run bench first");
  const stored = JSON.parse(readFileSync(join(resultsDir, newest), "utf8")) as BenchResults;
  const bundle = readBundleHeadline(resultsDir);
  const results: BenchResults = {
    ...stored,
    ratios: computeRatios(stored.cells, SCENARIOS),
    targets: evaluateTargets(stored.cells, stored.method, bundle),
    cpuHistory: cpuHistory(resultsDir, newest, stored),
    l1Study: readL1Headline(resultsDir),
    bundle,
  };
  writeResults(benchDir, results);
  return newest;
}
