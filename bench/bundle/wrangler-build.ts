import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

export interface WranglerBuild {
  /** The Worker bundle, as it would be uploaded. */
  scriptPath: string;
  metafilePath: string;
  rawBytes: number;
  /** node:zlib gzip at level 9 of the bundle. */
  gzipBytes: number;
  /** What wrangler itself prints: "Total Upload: <raw> KiB / gzip: <gzip> KiB". */
  wranglerTotalKiB: number | undefined;
  wranglerGzipKiB: number | undefined;
  elapsedMs: number;
}

export interface WranglerBuildOptions {
  repoRoot: string;
  outdir: string;
  /** Adds --minify, which wrangler.toml does not set. @default false */
  minify?: boolean;
}

/**
 * `wrangler deploy --dry-run` bundles exactly as a deploy would and stops before any network
 * call, so the size measured here is the size Cloudflare checks against the script limit.
 */
export function buildWithWrangler(options: WranglerBuildOptions): WranglerBuild {
  const metafilePath = join(options.outdir, "meta.json");
  const args = ["wrangler", "deploy", "--dry-run", "--outdir", options.outdir, "--metafile", metafilePath];
  if (options.minify) args.push("--minify");
  const started = performance.now();
  const run = spawnSync("npx", args, {
    cwd: options.repoRoot,
    encoding: "utf8",
    // No telemetry or update check: the measurement must work offline and leave nothing behind.
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
  });
  const elapsedMs = performance.now() - started;
  if (run.status !== 0) throw new Error(`edge-cache bench: wrangler deploy --dry-run failed:\n${run.stderr}${run.stdout}`);
  const printed = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(run.stdout);
  const scriptPath = join(options.outdir, "index.js");
  const script = readFileSync(scriptPath);
  return {
    scriptPath,
    metafilePath,
    rawBytes: script.byteLength,
    gzipBytes: gzipSync(script, { level: 9 }).byteLength,
    wranglerTotalKiB: printed ? Number(printed[1]) : undefined,
    wranglerGzipKiB: printed ? Number(printed[2]) : undefined,
    elapsedMs,
  };
}
