/**
 * `npm run bench -- --migrate`: the migration CLI (tools/migrate) copying a legacy Redis of 100,000
 * and 1,000,000 keys of 1 KiB into a local edge-cache, then bench/results/migrate-<date>.json and
 * bench/MIGRATE.md. `--smoke` copies 2,000 keys and writes nothing but `--report`.
 * `--migrate --help` lists the options.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildWithWrangler } from "../bundle/wrangler-build.ts";
import { COMPATIBILITY_DATE } from "../http/serve.ts";
import { describeEnvironment } from "../l1/environment.ts";
import { installedVersions } from "../report/versions.ts";
import { measureCliStartup } from "./cli/cli-startup.ts";
import type { CliProfile } from "./measure/cli-profile.ts";
import { CliFailedError, type CopyRun, runCopy } from "./measure/copy-run.ts";
import { parseMigrateOptions } from "./options.ts";
import { findBottleneck } from "./report/bottleneck.ts";
import { keysPerSecond } from "./report/migrate-verdicts.ts";
import { rerenderMigrate, withVerdicts, writeMigrateResults } from "./report/write-migrate.ts";
import { sampleGzipRatio, VALUE_BYTES } from "./seed/legacy-values.ts";
import { BENCH_STORAGE_BYTES } from "./stack/tenant-setup.ts";

/** Runs the migration benchmark; resolves with the process exit code. */
export async function runMigrateBenchmark(repoRoot: string, argv: readonly string[]): Promise<number> {
  const options = parseMigrateOptions(argv);
  const benchDir = join(repoRoot, "bench");
  if (options.render) {
    console.log(`re-rendered bench/MIGRATE.md from bench/results/${rerenderMigrate(benchDir)}`);
    return 0;
  }
  const started = performance.now();
  const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  const measuredAt = new Date().toISOString();
  const scriptPath = options.bundlePath ? resolve(repoRoot, options.bundlePath) : build(repoRoot, log);
  const cliStartupSeconds = measureCliStartup(repoRoot);

  const runs: CopyRun[] = [];
  let cliProfile: CliProfile | undefined;
  try {
    for (const keys of options.sizes) {
      const run = await runCopy(repoRoot, scriptPath, keys, options, log);
      runs.push(run);
      log(
        `${keys.toLocaleString("en-US")} keys: ${Math.round(keysPerSecond(run))} keys/s, ${(run.requests.total / keys).toFixed(5)} requests/key, peak RSS ${run.cli.peakRssMiB?.toFixed(1)} MiB, ${run.l2.entries} entries in L2; ${findBottleneck(run, options.concurrency).sentence}`,
      );
    }
    if (options.profileKeys !== undefined) {
      log(`profiling the CLI on another copy of ${options.profileKeys.toLocaleString("en-US")} keys (node --cpu-prof)`);
      cliProfile = (await runCopy(repoRoot, scriptPath, options.profileKeys, options, log, { profile: true })).cliProfile;
    }
  } catch (error) {
    // The CLI is another team's: a failure is reported exactly as it came, never worked around.
    if (!(error instanceof CliFailedError)) throw error;
    log(`STOPPED: ${error.message}`);
    return 1;
  }
  const results = withVerdicts({
    measuredAt,
    durationSeconds: Math.round((performance.now() - started) / 1000),
    environment: describeEnvironment(),
    versions: installedVersions(repoRoot),
    compatibilityDate: COMPATIBILITY_DATE,
    method: {
      sizes: options.sizes,
      batchSize: options.batchSize,
      concurrency: options.concurrency,
      valueBytes: VALUE_BYTES,
      valueGzipRatio: sampleGzipRatio(),
      storageBytes: BENCH_STORAGE_BYTES,
      sampleMs: options.sampleMs,
      cliStartupSeconds,
    },
    runs,
    ...(cliProfile ? { cliProfile } : {}),
  });
  if (options.reportPath) writeFileSync(options.reportPath, `${JSON.stringify(results, null, 2)}\n`);
  if (!options.smoke) {
    const written = writeMigrateResults(benchDir, results);
    log(`wrote ${[written.json, written.markdown].map((p) => p.slice(repoRoot.length)).join(", ")}`);
  }
  const v = results.verdicts;
  log(`throughput ${v.throughputMet}, requests/key ${v.requestsPerKeyMet}, RSS flat ${v.rss?.met}, complete ${v.completeMet}`);
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return v.completeMet ? 0 : 1;
}

function build(repoRoot: string, log: (line: string) => void): string {
  log("building the worker (wrangler deploy --dry-run)");
  return buildWithWrangler({ repoRoot, outdir: join(repoRoot, "bench/.build/migrate") }).scriptPath;
}
