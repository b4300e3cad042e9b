import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderReport } from "./report.ts";
import type { L1Results } from "./results.ts";

const RESULTS_DIR = fileURLToPath(new URL("../results/", import.meta.url));
const REPORT_PATH = fileURLToPath(new URL("../L1-RESULTS.md", import.meta.url));

export function todaysResultsPath(): string {
  return `${RESULTS_DIR}l1-study-${new Date().toISOString().slice(0, 10)}.json`;
}

/** The newest study file, so memory.ts adds its section beside the hit ratios it belongs with. */
export function latestResultsPath(): string {
  const files = existsSync(RESULTS_DIR) ? readdirSync(RESULTS_DIR).filter((f) => /^l1-study-\d{4}-\d{2}-\d{2}\.json$/.test(f)) : [];
  const newest = files.sort().at(-1);
  return newest ? `${RESULTS_DIR}${newest}` : todaysResultsPath();
}

export function readResults(path: string): Partial<L1Results> {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Partial<L1Results>) : {};
}

/** Writes the JSON and re-renders L1-RESULTS.md from it, so the two never disagree. */
export function writeResults(path: string, results: L1Results): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(REPORT_PATH, renderReport(results, path.slice(RESULTS_DIR.length)));
}
