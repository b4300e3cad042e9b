/**
 * `npm run bench`: the HTTP benchmark (bench/http), then the L1 study and the bundle measurement
 * (bench/l1, bench/bundle, run as their own scripts), then bench/results/<date>.json,
 * bench/results/throughput.svg and bench/RESULTS.md. `-- --smoke` runs every HTTP scenario for
 * about a second, writes no results, and fails unless every one got answers and no errors.
 * `-- --help` lists the options. `-- --scale` runs only the scale benchmark (bench/scale/run.ts);
 * `-- --migrate` only the migration benchmark (bench/migrate/run.ts); `-- --l2-move` only the
 * backfill of a move between two L2 databases (bench/l2-move/run.ts); `-- --commands` Redis
 * commands per 1,000 served GETs (bench/commands/run.ts).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runHttpBenchmark } from "./http/benchmark.ts";
import { SCENARIOS } from "./http/scenarios.ts";
import { COMPATIBILITY_DATE } from "./http/serve.ts";
import { summarize } from "./http/summary.ts";
import { describeEnvironment } from "./l1/environment.ts";
import { isCommandsRun, isL2MoveRun, isMigrateRun, isScaleRun, parseOptions } from "./options.ts";
import { readBundleHeadline, readL1Headline, runCompanion } from "./report/companions.ts";
import { cpuHistory } from "./report/cpu-history.ts";
import { computeRatios } from "./report/ratios.ts";
import { rerender } from "./report/rerender.ts";
import { type BenchResults, resultsFileName } from "./report/results.ts";
import { evaluateTargets } from "./report/targets.ts";
import { installedVersions } from "./report/versions.ts";
import { writeResults } from "./report/write-results.ts";
import { VALUE_BYTES } from "./workers/value.ts";

const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
const BENCH_DIR = join(REPO_ROOT, "bench");
if (isScaleRun(process.argv.slice(2))) {
  const { runScaleBenchmark } = await import("./scale/run.ts");
  process.exit(await runScaleBenchmark(REPO_ROOT, process.argv.slice(2)));
}
if (isCommandsRun(process.argv.slice(2))) {
  const { runCommandsBenchmark } = await import("./commands/run.ts");
  process.exit(await runCommandsBenchmark(REPO_ROOT, process.argv.slice(2)));
}
if (isL2MoveRun(process.argv.slice(2))) {
  const { runL2MoveBenchmark } = await import("./l2-move/run.ts");
  process.exit(await runL2MoveBenchmark(REPO_ROOT, process.argv.slice(2)));
}
if (isMigrateRun(process.argv.slice(2))) {
  const { runMigrateBenchmark } = await import("./migrate/run.ts");
  process.exit(await runMigrateBenchmark(REPO_ROOT, process.argv.slice(2)));
}
const options = parseOptions(process.argv.slice(2));
if (options.render) {
  console.log(`re-rendered bench/RESULTS.md and bench/results/throughput.svg from bench/results/${rerender(BENCH_DIR)}`);
  process.exit(0);
}
const started = performance.now();
const measuredAt = new Date().toISOString();

const records = await runHttpBenchmark(REPO_ROOT, { ...options, log: (line) => console.log(line) });
const cells = summarize(records);
if (options.reportPath) {
  const generators = Object.fromEntries(records.map((record) => [record.scenario, record.load.generator]));
  writeFileSync(options.reportPath, `${JSON.stringify({ cells, generators }, null, 2)}\n`);
}
const failed = cells.filter((cell) => cell.operations === 0 || cell.errors > 0);
for (const cell of failed)
  console.error(`FAILED ${cell.scenario} c=${cell.connections} +${cell.latencyMs} ms: ${cell.operations} answered, ${cell.errors} errors`);

if (!options.smoke) {
  if (!options.skipL1) {
    runCompanion(REPO_ROOT, "bench/l1/study.ts");
    runCompanion(REPO_ROOT, "bench/l1/memory.ts");
  }
  if (!options.skipBundle) runCompanion(REPO_ROOT, "bench/bundle/measure.ts");
  const resultsDir = join(BENCH_DIR, "results");
  const bundle = readBundleHeadline(resultsDir);
  const results: BenchResults = {
    measuredAt,
    environment: describeEnvironment(),
    versions: installedVersions(REPO_ROOT),
    compatibilityDate: COMPATIBILITY_DATE,
    method: {
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      reps: options.reps,
      connections: options.connections,
      latencyMs: options.latencyMs,
      mixedKeyCount: options.mixedKeyCount,
      valueBytes: VALUE_BYTES,
      load: options.load,
    },
    scenarios: SCENARIOS.map(({ id, letter, label, worker }) => ({ id, letter, label, worker })),
    cells,
    ratios: computeRatios(cells, SCENARIOS),
    targets: evaluateTargets(cells, options, bundle),
    cpuHistory: cpuHistory(resultsDir, resultsFileName(measuredAt), { cells }),
    l1Study: readL1Headline(resultsDir),
    bundle,
    runs: records,
  };
  const written = writeResults(BENCH_DIR, results);
  console.log(`\nwrote ${[written.json, written.svg, written.markdown].map((p) => p.slice(REPO_ROOT.length)).join(", ")}`);
  for (const t of results.targets)
    console.log(`${t.met === undefined ? "?" : t.met ? "met    " : "MISSED "} ${t.target} [${t.cell}]: ${t.measured}`);
}
console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exit(failed.length > 0 ? 1 : 0);
