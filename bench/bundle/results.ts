import type { Environment } from "../l1/results.ts";
import type { PackageWeight } from "./package-weights.ts";
import type { StartupSummary } from "./startup.ts";

/** The shape of bench/results/bundle-<date>.json. */
export interface BundleResults {
  measuredAt: string;
  environment: Environment;
  wranglerVersion: string;
  /** Gzip budget for the Worker bundle, in bytes (200 KB, read as 200,000 bytes: the stricter reading). */
  targetGzipBytes: number;
  bundle: BundleSize;
  /** The same build with --minify, which wrangler.toml does not set today. */
  minified: BundleSize;
  packages: (PackageWeight & { gzipCostBytes?: number })[];
  /** The esbuild rebuild used for gzip costs, to show it matches wrangler's bundle. */
  esbuildRebuild: { rawBytes: number; gzipBytes: number };
  startup: {
    compatibilityDate: string;
    runs: number;
    worker: StartupSummary;
    emptyWorker: StartupSummary;
    /** Medians of the bundle minus medians of the empty Worker. */
    workerOverEmptyMs: { ready: number; firstFetch: number; total: number };
  };
}

export interface BundleSize {
  rawBytes: number;
  gzipBytes: number;
  wranglerTotalKiB: number | undefined;
  wranglerGzipKiB: number | undefined;
}
