/**
 * Worker bundle size, weight per package and startup time. Builds with `wrangler deploy
 * --dry-run` into a temporary directory (removed afterwards; --keep keeps it), then writes
 * bench/results/bundle-<date>.json and bench/BUNDLE.md. Run: npx tsx bench/bundle/measure.ts
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeEnvironment } from "../l1/environment.ts";
import { gzipCosts } from "./gzip-cost.ts";
import { packageWeights } from "./package-weights.ts";
import { renderBundleReport } from "./report.ts";
import type { BundleResults, BundleSize } from "./results.ts";
import { measureStartup } from "./startup.ts";
import { buildWithWrangler } from "./wrangler-build.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RESULTS_DIR = join(REPO_ROOT, "bench/results");
const ENTRY = "functions/index.ts";
/** Packages priced by gzip cost: any over this share of the raw bundle. */
const HEAVY_SHARE = 0.02;
const STARTUP_RUNS = 7;
const COMPATIBILITY_DATE = "2026-07-30";

const keep = process.argv.includes("--keep");
const work = mkdtempSync(join(tmpdir(), "edge-cache-bundle-"));
try {
  const asConfigured = buildWithWrangler({ repoRoot: REPO_ROOT, outdir: join(work, "configured") });
  console.log(
    `bundle: ${asConfigured.rawBytes} B raw, ${asConfigured.gzipBytes} B gzip; wrangler says ${asConfigured.wranglerGzipKiB} KiB gzip`,
  );
  const minified = buildWithWrangler({ repoRoot: REPO_ROOT, outdir: join(work, "minified"), minify: true });
  console.log(`minified: ${minified.rawBytes} B raw, ${minified.gzipBytes} B gzip`);

  const weights = packageWeights(REPO_ROOT, asConfigured.metafilePath, asConfigured.scriptPath);
  const heavy = weights.filter((w) => w.share >= HEAVY_SHARE && !["functions", "shared"].includes(w.name)).map((w) => w.name);
  const priced = await gzipCosts({ repoRoot: REPO_ROOT, entry: ENTRY, packages: heavy });
  const costOf = new Map(priced.costs.map((c) => [c.name, c.gzipBytes]));
  for (const w of weights)
    console.log(`  ${w.name}: ${w.bytesInOutput} B raw${costOf.has(w.name) ? `, ${costOf.get(w.name)} B gzip` : ""}`);

  const startup = await measureStartup({ scriptPath: asConfigured.scriptPath, compatibilityDate: COMPATIBILITY_DATE, runs: STARTUP_RUNS });
  const over = {
    ready: startup.worker.readyMs - startup.emptyWorker.readyMs,
    firstFetch: startup.worker.firstFetchMs - startup.emptyWorker.firstFetchMs,
    total: startup.worker.totalMs - startup.emptyWorker.totalMs,
  };
  console.log(
    `startup: ready ${startup.worker.readyMs.toFixed(0)} ms (+${over.ready.toFixed(0)} over empty), first fetch ${startup.worker.firstFetchMs.toFixed(0)} ms`,
  );

  const size = (b: typeof asConfigured): BundleSize => ({
    rawBytes: b.rawBytes,
    gzipBytes: b.gzipBytes,
    wranglerTotalKiB: b.wranglerTotalKiB,
    wranglerGzipKiB: b.wranglerGzipKiB,
  });
  const wranglerPackage = JSON.parse(readFileSync(join(REPO_ROOT, "node_modules/wrangler/package.json"), "utf8")) as { version: string };
  const results: BundleResults = {
    measuredAt: new Date().toISOString(),
    environment: describeEnvironment(),
    wranglerVersion: wranglerPackage.version,
    targetGzipBytes: 200_000,
    bundle: size(asConfigured),
    minified: size(minified),
    packages: weights.map((w) => (costOf.has(w.name) ? { ...w, gzipCostBytes: costOf.get(w.name) } : w)),
    esbuildRebuild: { rawBytes: priced.baselineRawBytes, gzipBytes: priced.baselineGzipBytes },
    startup: { compatibilityDate: COMPATIBILITY_DATE, runs: STARTUP_RUNS, ...startup, workerOverEmptyMs: over },
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const jsonName = `bundle-${results.measuredAt.slice(0, 10)}.json`;
  writeFileSync(join(RESULTS_DIR, jsonName), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(REPO_ROOT, "bench/BUNDLE.md"), renderBundleReport(results, jsonName));
  console.log(`wrote bench/results/${jsonName} and bench/BUNDLE.md`);
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
