import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderMigrate } from "./migrate-markdown.ts";
import type { MeasuredMigrate, MigrateResults } from "./migrate-results.ts";
import { judgeMigrate } from "./migrate-verdicts.ts";

const RESULTS_FILE = /^migrate-\d{4}-\d{2}-\d{2}\.json$/;

/** The verdicts, derived again from what was measured. */
export function withVerdicts(measured: MeasuredMigrate): MigrateResults {
  return { ...measured, verdicts: judgeMigrate(measured.runs, measured.method.batchSize) };
}

/** Writes bench/results/migrate-<date>.json and bench/MIGRATE.md from the same results. */
export function writeMigrateResults(benchDir: string, results: MigrateResults): { json: string; markdown: string } {
  const resultsDir = join(benchDir, "results");
  mkdirSync(resultsDir, { recursive: true });
  const jsonName = `migrate-${results.measuredAt.slice(0, 10)}.json`;
  const json = join(resultsDir, jsonName);
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  const markdown = join(benchDir, "MIGRATE.md");
  writeFileSync(markdown, renderMigrate(results, jsonName));
  return { json, markdown };
}

/**
 * Re-derives the verdicts of the newest results file and rewrites it with bench/MIGRATE.md: a change
 * to the report or to a target's reading needs no new measurement. Returns the file's name.
 */
export function rerenderMigrate(benchDir: string): string {
  const resultsDir = join(benchDir, "results");
  const newest = existsSync(resultsDir)
    ? readdirSync(resultsDir)
        .filter((name) => RESULTS_FILE.test(name))
        .sort()
        .at(-1)
    : undefined;
  if (!newest) throw new Error("edge-cache bench: no bench/results/migrate-<date>.json to render; run npm run bench -- --migrate first");
  const { verdicts: _old, ...measured } = JSON.parse(readFileSync(join(resultsDir, newest), "utf8")) as MigrateResults;
  const results = withVerdicts(measured);
  writeFileSync(join(resultsDir, newest), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(benchDir, "MIGRATE.md"), renderMigrate(results, newest));
  return newest;
}
