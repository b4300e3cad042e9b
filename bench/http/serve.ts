import { readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { Miniflare } from "miniflare";
import { childPids } from "./process-cpu.ts";

/**
 * The newest compatibility date the workerd inside miniflare 4 accepts. wrangler.toml names a
 * later one that only the deployed runtime knows; every worker here gets the same date.
 */
export const COMPATIBILITY_DATE = "2026-07-30";

/** wrangler.toml's compatibility flags (e.g. `nodejs_compat`), so the bench runs what deploys. */
export const COMPATIBILITY_FLAGS = compatibilityFlagsOf(new URL("../../wrangler.toml", import.meta.url));

function compatibilityFlagsOf(wranglerToml: URL): string[] {
  const line = /^compatibility_flags\s*=\s*(\[.*\])\s*$/m.exec(readFileSync(wranglerToml, "utf8"));
  return line?.[1] ? (JSON.parse(line[1]) as string[]) : [];
}

export interface ServedWorker {
  name: string;
  /** http://127.0.0.1:<port> */
  url: string;
  /** The workerd process serving it (one per Miniflare instance), when it could be told apart. */
  pid: number | undefined;
  dispose(): Promise<void>;
}

/**
 * Serves one bundled worker with Miniflare directly on a loopback port. Not `wrangler dev`: its
 * Node proxy in front of workerd caps a bare route near 800 req/s on a 2-core machine, so a
 * benchmark through it would measure the proxy.
 *
 * The bundle is passed as one module with its contents rather than as `scriptPath`: given a path,
 * Miniflare walks the bundle's imports in Node and refuses optional dynamic imports that the
 * bundler left in on purpose (e.g. `import("effect")` in a schema adapter that never runs here).
 */
export async function serveWorker(
  name: string,
  scriptPath: string,
  bindings: Record<string, string>,
  options: {
    inspectorPort?: number;
    /**
     * Source of an entry module served in front of the bundle, given the bundle's file name to
     * import (`./<file>`): a wrapper that counts or times requests without touching the bundle.
     */
    wrapper?: (bundleFile: string) => string;
  } = {},
): Promise<ServedWorker> {
  // Instances start one at a time, so the workerd child that appears now is this one's.
  const before = childPids("workerd");
  const mf = new Miniflare({
    // Only for profiling: the inspector lets a CDP client sample the worker's CPU.
    ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
    name,
    modulesRoot: dirname(scriptPath),
    modules: [
      ...(options.wrapper
        ? [
            {
              type: "ESModule" as const,
              path: join(dirname(scriptPath), `${name}-entry.js`),
              contents: options.wrapper(basename(scriptPath)),
            },
          ]
        : []),
      { type: "ESModule", path: scriptPath, contents: readFileSync(scriptPath, "utf8") },
    ],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    bindings,
    host: "127.0.0.1",
    port: 0,
  });
  const url = await mf.ready;
  const started = [...childPids("workerd")].filter((pid) => !before.has(pid));
  return { name, url: url.origin, pid: started.length === 1 ? started[0] : undefined, dispose: () => mf.dispose() };
}
