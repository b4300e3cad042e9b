import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { judgeNoisy } from "./noisy-verdicts.ts";
import { renderScale } from "./scale-markdown.ts";
import type { MeasuredScale, ScaleResults } from "./scale-results.ts";
import { summarizeCost } from "./summarize.ts";

const RESULTS_FILE = /^scale-\d{4}-\d{2}-\d{2}\.json$/;

/** Writes bench/results/scale-<date>.json and bench/SCALE.md from the same results. */
export function writeScaleResults(benchDir: string, results: ScaleResults): { json: string; markdown: string } {
  const resultsDir = join(benchDir, "results");
  mkdirSync(resultsDir, { recursive: true });
  const jsonName = `scale-${results.measuredAt.slice(0, 10)}.json`;
  const json = join(resultsDir, jsonName);
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  const markdown = join(benchDir, "SCALE.md");
  writeFileSync(markdown, renderScale(results, jsonName));
  return { json, markdown };
}

/** The summaries and verdicts, derived again from what was measured. */
export function withVerdicts(measured: MeasuredScale): ScaleResults {
  const { cost, noisy, ...rest } = measured;
  return {
    ...rest,
    ...(cost ? { cost: { queue: cost.queue, sizes: cost.sizes, operations: summarizeCost(cost.sizes) } } : {}),
    ...(noisy ? { noisy: { ...noisy, verdicts: judgeNoisy(noisy) } } : {}),
  };
}

/**
 * Re-derives the verdicts of the newest results file and rewrites it with bench/SCALE.md: a change
 * to the report or to a verdict's reading needs no new measurement. Returns the file's name.
 */
export function rerenderScale(benchDir: string): string {
  const resultsDir = join(benchDir, "results");
  const newest = existsSync(resultsDir)
    ? readdirSync(resultsDir)
        .filter((name) => RESULTS_FILE.test(name))
        .sort()
        .at(-1)
    : undefined;
  if (!newest) throw new Error("edge-cache bench: no bench/results/scale-<date>.json to render; run npm run bench -- --scale first");
  const results = withVerdicts(JSON.parse(readFileSync(join(resultsDir, newest), "utf8")) as ScaleResults);
  writeFileSync(join(resultsDir, newest), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(benchDir, "SCALE.md"), renderScale(results, newest));
  return newest;
}
