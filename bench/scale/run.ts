/**
 * `npm run bench -- --scale`: the scale benchmark (what a request or a cron tick costs at 10, 1,000
 * and 10,000 tenants) and the noisy-neighbour scenario, then bench/results/scale-<date>.json and
 * bench/SCALE.md. `--smoke` runs 10 and 100 tenants briefly and writes nothing but `--report`.
 * `--scale --help` lists the options.
 */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { buildWithWrangler } from "../bundle/wrangler-build.ts";
import { COMPATIBILITY_DATE } from "../http/serve.ts";
import { describeEnvironment } from "../l1/environment.ts";
import { installedVersions } from "../report/versions.ts";
import { COST_VARS } from "./cost/deployment.ts";
import { runCostSuite } from "./cost-suite.ts";
import { runNoisyNeighbour } from "./noisy/noisy-run.ts";
import { parseScaleOptions } from "./options.ts";
import { P99_TARGET_RATIO } from "./report/noisy-verdicts.ts";
import { LATENCY_NOISE } from "./report/summarize.ts";
import { rerenderScale, withVerdicts, writeScaleResults } from "./report/write-scale.ts";
import { QUEUE_TIMING } from "./stack/scale-worker.ts";

/** Runs the scale benchmark; resolves with the process exit code. */
export async function runScaleBenchmark(repoRoot: string, argv: readonly string[]): Promise<number> {
  const options = parseScaleOptions(argv);
  const benchDir = join(repoRoot, "bench");
  if (options.render) {
    console.log(`re-rendered bench/SCALE.md from bench/results/${rerenderScale(benchDir)}`);
    return 0;
  }
  const started = performance.now();
  const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}`);
  const measuredAt = new Date().toISOString();
  const scriptPath = options.bundlePath ? resolve(repoRoot, options.bundlePath) : build(repoRoot, log);

  const cost = options.suites.cost ? await runCostSuite(repoRoot, scriptPath, options, log) : undefined;
  const noisy = options.suites.noisy ? await runNoisyNeighbour(repoRoot, scriptPath, options, log) : undefined;
  const results = withVerdicts({
    measuredAt,
    durationSeconds: Math.round((performance.now() - started) / 1000),
    environment: describeEnvironment(),
    versions: installedVersions(repoRoot),
    compatibilityDate: COMPATIBILITY_DATE,
    method: {
      sizes: options.sizes,
      reps: options.reps,
      dataSamples: options.dataSamples,
      dueTickReps: options.dueTickReps,
      seedConcurrency: options.seedConcurrency,
      costVars: COST_VARS,
      queueTiming: QUEUE_TIMING,
      latencyNoise: LATENCY_NOISE,
      noisy: { ...options.noisy, p99TargetRatio: P99_TARGET_RATIO },
    },
    ...(cost ? { cost } : {}),
    ...(noisy ? { noisy } : {}),
  });

  if (options.reportPath) writeFileSync(options.reportPath, `${JSON.stringify(results, null, 2)}\n`);
  if (!options.smoke) {
    const written = writeScaleResults(benchDir, results);
    log(`\nwrote ${[written.json, written.markdown].map((p) => p.slice(repoRoot.length)).join(", ")}`);
  }
  for (const op of results.cost?.operations ?? [])
    log(
      `${op.sameRequests && op.sameCommands ? "same   " : "GROWS  "} ${op.id}: ${op.cells.map((c) => `${c.tenants}: ${c.requests.median} req ${c.commands.median} cmd ${c.ms.median.toFixed(2)} ms`).join(" | ")}`,
    );
  if (results.noisy) {
    const v = results.noisy.verdicts;
    log(
      `noisy neighbour: B ${v.flood.ok}/${v.flood.sent} 2xx during floods; p99 ${v.p99Ms.solo.toFixed(2)} → ${v.p99Ms.flood.toFixed(2)} ms (${v.p99Ms.ratio.toFixed(2)}×); circuit ${results.noisy.health.circuit}`,
    );
  }
  log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return 0;
}

function build(repoRoot: string, log: (line: string) => void): string {
  log("building the worker (wrangler deploy --dry-run)");
  return buildWithWrangler({ repoRoot, outdir: join(repoRoot, "bench/.build/scale") }).scriptPath;
}
