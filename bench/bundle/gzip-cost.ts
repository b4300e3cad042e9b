import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

export interface GzipCost {
  name: string;
  /** Gzip bytes the bundle loses when this package is left out (marked external). */
  gzipBytes: number;
}

export interface GzipCostOptions {
  repoRoot: string;
  /** Entry of the Worker, relative to repoRoot (wrangler.toml `main`). */
  entry: string;
  packages: readonly string[];
}

/**
 * Gzip does not split by package: a package's share of the raw bytes says little about what it
 * costs compressed. So each package is priced as the difference between the whole bundle and one
 * built without it. The esbuild options mirror wrangler 4's (conditions workerd/worker/browser,
 * ES2024, ESM); esbuild is wrangler's own dependency, used here only for this what-if.
 */
export async function gzipCosts(
  options: GzipCostOptions,
): Promise<{ baselineRawBytes: number; baselineGzipBytes: number; costs: GzipCost[] }> {
  const bundle = async (external: string[]) => {
    const result = await build({
      absWorkingDir: options.repoRoot,
      entryPoints: [join(options.repoRoot, options.entry)],
      bundle: true,
      write: false,
      format: "esm",
      target: "es2024",
      // wrangler keeps function names (its keep_names default), which adds __name() calls.
      keepNames: true,
      conditions: ["workerd", "worker", "browser"],
      define: { "process.env.NODE_ENV": '"production"' },
      external: ["cloudflare:*", "node:*", ...external],
      outfile: "index.js",
      logLevel: "silent",
    });
    const code = result.outputFiles[0]?.contents ?? new Uint8Array();
    return { raw: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
  };
  const baseline = await bundle([]);
  const costs: GzipCost[] = [];
  for (const name of options.packages) {
    const without = await bundle([name, `${name}/*`]);
    costs.push({ name, gzipBytes: baseline.gzip - without.gzip });
  }
  return { baselineRawBytes: baseline.raw, baselineGzipBytes: baseline.gzip, costs };
}
