import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BundleResults } from "../bundle/results.ts";
import type { L1Results } from "../l1/results.ts";

export interface L1Headline {
  file: string;
  targetScenario: string;
  sieveMinusLruPoints: number;
  targetMet: boolean;
  sieveAtLeastLruEverywhere: boolean;
  /** accounted / measured heap for 1 KiB values (1 is exact). */
  memoryRatio1KiB: number | undefined;
}

export interface BundleHeadline {
  file: string;
  gzipBytes: number;
  rawBytes: number;
  targetGzipBytes: number;
  met: boolean;
  /** Startup of the bundle over an empty Worker, ready + first request, ms. */
  startupOverEmptyMs: number;
}

/**
 * The colleague's measurements, run as they are run by hand (their own processes, their own
 * output files), so one command regenerates everything without this harness reaching inside them.
 */
export function runCompanion(repoRoot: string, script: string, args: string[] = []): void {
  console.log(`\n$ npx tsx ${script} ${args.join(" ")}`.trimEnd());
  const run = spawnSync(join(repoRoot, "node_modules/.bin/tsx"), [script, ...args], { cwd: repoRoot, stdio: "inherit" });
  if (run.status !== 0) throw new Error(`edge-cache bench: ${script} failed (${run.status ?? run.signal})`);
}

function newest(resultsDir: string, prefix: string): string | undefined {
  if (!existsSync(resultsDir)) return undefined;
  const pattern = new RegExp(`^${prefix}-\\d{4}-\\d{2}-\\d{2}\\.json$`);
  return readdirSync(resultsDir)
    .filter((name) => pattern.test(name))
    .sort()
    .at(-1);
}

export function readL1Headline(resultsDir: string): L1Headline | undefined {
  const file = newest(resultsDir, "l1-study");
  if (!file) return undefined;
  const results = JSON.parse(readFileSync(join(resultsDir, file), "utf8")) as L1Results;
  const verdicts = results.hitRatio?.verdicts;
  if (!verdicts) return undefined;
  return {
    file,
    targetScenario: verdicts.targetScenario,
    sieveMinusLruPoints: verdicts.targetGainPoints,
    targetMet: verdicts.targetMet,
    sieveAtLeastLruEverywhere: verdicts.sieveAtLeastLruEverywhere,
    memoryRatio1KiB: results.memory?.rows.find((row) => row.valueBytes === 1024)?.ratio,
  };
}

export function readBundleHeadline(resultsDir: string): BundleHeadline | undefined {
  const file = newest(resultsDir, "bundle");
  if (!file) return undefined;
  const results = JSON.parse(readFileSync(join(resultsDir, file), "utf8")) as BundleResults;
  return {
    file,
    gzipBytes: results.bundle.gzipBytes,
    rawBytes: results.bundle.rawBytes,
    targetGzipBytes: results.targetGzipBytes,
    met: results.bundle.gzipBytes <= results.targetGzipBytes,
    startupOverEmptyMs: results.startup.workerOverEmptyMs.total,
  };
}
