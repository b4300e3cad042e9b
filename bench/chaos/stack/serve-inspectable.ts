import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import getPort from "get-port";
import { Miniflare } from "miniflare";
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS } from "../../http/serve.ts";

export interface InspectableWorker {
  /** http://127.0.0.1:<port> */
  url: string;
  /** DevTools WebSocket of the worker's isolate (Runtime.getHeapUsage answers there). */
  inspectorUrl: string;
  dispose(): Promise<void>;
}

/**
 * The benchmark harness's serveWorker (bench/http/serve.ts), plus workerd's inspector: the only
 * view from outside into the isolate's heap. Same bundle-as-module loading, same compatibility
 * date; Miniflare directly on loopback, not `wrangler dev`.
 */
export async function serveInspectableWorker(
  name: string,
  scriptPath: string,
  bindings: Record<string, string>,
): Promise<InspectableWorker> {
  const inspectorPort = await getPort({ host: "127.0.0.1" });
  const mf = new Miniflare({
    name,
    modulesRoot: dirname(scriptPath),
    modules: [{ type: "ESModule", path: scriptPath, contents: readFileSync(scriptPath, "utf8") }],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    bindings,
    host: "127.0.0.1",
    port: 0,
    inspectorPort,
  });
  const url = await mf.ready;
  return { url: url.origin, inspectorUrl: `ws://127.0.0.1:${inspectorPort}/core:user:${name}`, dispose: () => mf.dispose() };
}
