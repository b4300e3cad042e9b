import { resolve } from "node:path";
import { build } from "esbuild";

const REPO = resolve(import.meta.dirname, "../../..");

const scripts = new Map<string, Promise<string>>();

/**
 * The Worker (functions/index.ts) bundled for Miniflare, built once per test file and name: for
 * end-to-end tests that serve it with bindings of their own (their own L2s).
 */
export function bundledWorker(outfile: string): Promise<string> {
  let script = scripts.get(outfile);
  if (!script) {
    script = build({
      absWorkingDir: REPO,
      entryPoints: ["functions/index.ts"],
      bundle: true,
      write: false,
      format: "esm",
      target: "es2024",
      conditions: ["workerd", "worker", "browser"],
      external: ["cloudflare:*", "node:*"],
      outfile,
      logLevel: "silent",
    }).then((result) => result.outputFiles[0]?.text ?? "");
    scripts.set(outfile, script);
  }
  return script;
}
