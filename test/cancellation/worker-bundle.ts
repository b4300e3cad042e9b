import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { buildWithWrangler } from "../../bench/bundle/wrangler-build.ts";
import { readWranglerVars } from "../../bench/http/wrangler-vars.ts";

/**
 * Which checkout's worker is built. Defaults to this one; pointing it at an export of an older
 * commit (with node_modules linked in) runs the same scenarios against that code, which is how a
 * scenario is shown to fail without the fix it covers.
 */
export const BUNDLE_ROOT_VARIABLE = "EDGE_CACHE_CANCELLATION_ROOT";

export interface WorkerBundle {
  /** The Worker as `wrangler deploy --dry-run` bundles it. */
  scriptPath: string;
  /** wrangler.toml's `[vars]` of the same checkout: what a deployment runs with. */
  vars: Record<string, string>;
  /** Removes the build output. */
  remove(): void;
}

export function buildWorkerBundle(): WorkerBundle {
  const repoRoot = resolve(process.env[BUNDLE_ROOT_VARIABLE] ?? join(import.meta.dirname, "../.."));
  const outdir = mkdtempSync(join(tmpdir(), "edge-cache-cancellation-"));
  const build = buildWithWrangler({ repoRoot, outdir });
  return {
    scriptPath: build.scriptPath,
    vars: readWranglerVars(join(repoRoot, "wrangler.toml")),
    remove: () => rmSync(outdir, { recursive: true, force: true }),
  };
}
