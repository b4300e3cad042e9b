import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { build } from "esbuild";
import { buildWithWrangler } from "../bundle/wrangler-build.ts";
import { readWranglerBuildFlags } from "./wrangler-build-flags.ts";

export type ComparisonWorker = "limit" | "limit-headers" | "naive" | "peer";

export interface BuiltWorkers {
  /** `wrangler deploy --dry-run` output: byte for byte what a deploy would upload. */
  edgeCache: string;
  limit: string;
  limitHeaders: string;
  naive: string;
  peer: string;
}

/**
 * The comparison workers are bundled with the options wrangler uses for edge-cache (ESM, the
 * workerd/worker/browser export conditions, and wrangler.toml's `minify` and `keep_names`), so no
 * side gains from a different build. keepNames matters: it wraps every function expression in a
 * naming call, paid again each time a closure is created, e.g. per SDK pipeline.
 */
async function bundleComparison(repoRoot: string, name: ComparisonWorker, outRoot: string): Promise<string> {
  const flags = readWranglerBuildFlags(join(repoRoot, "wrangler.toml"));
  const outfile = join(outRoot, name, "index.js");
  await build({
    entryPoints: [join(repoRoot, "bench/workers", `${name}.ts`)],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["browser", "module", "main"],
    minify: flags.minify,
    keepNames: flags.keepNames,
    logLevel: "warning",
  });
  return outfile;
}

/**
 * edge-cache as wrangler bundles it, but with readable names: for CPU profiles only, since an
 * unminified bundle is not what is deployed. (bench/bundle's helper can add --minify, not remove it.)
 */
function buildEdgeCacheUnminified(repoRoot: string, outdir: string): string {
  const run = spawnSync(join(repoRoot, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", outdir, "--no-minify"], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  if (run.status !== 0) throw new Error(`edge-cache bench: wrangler deploy --dry-run --no-minify failed:\n${run.stderr}${run.stdout}`);
  return join(outdir, "index.js");
}

/** Builds every worker the benchmark serves into `outRoot` (which must sit under the repo: Miniflare wants scripts under cwd). */
export async function buildWorkers(repoRoot: string, outRoot: string, options: { unminified?: boolean } = {}): Promise<BuiltWorkers> {
  const edgeCache = options.unminified
    ? buildEdgeCacheUnminified(repoRoot, join(outRoot, "edge-cache-unminified"))
    : buildWithWrangler({ repoRoot, outdir: join(outRoot, "edge-cache") }).scriptPath;
  const [limit, limitHeaders, naive, peer] = (await Promise.all(
    (["limit", "limit-headers", "naive", "peer"] as const).map((name) => bundleComparison(repoRoot, name, outRoot)),
  )) as [string, string, string, string];
  return { edgeCache, limit, limitHeaders, naive, peer };
}
