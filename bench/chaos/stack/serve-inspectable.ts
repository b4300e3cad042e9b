import getPort from "get-port";
import { serveWorker } from "../../http/serve.ts";

export interface InspectableWorker {
  /** http://127.0.0.1:<port> */
  url: string;
  /** DevTools WebSocket of the worker's isolate (Runtime.getHeapUsage answers there). */
  inspectorUrl: string;
  dispose(): Promise<void>;
}

/**
 * The benchmark harness's serveWorker (bench/http/serve.ts) with workerd's inspector open: the
 * only view from outside into the isolate's heap.
 */
export async function serveInspectableWorker(
  name: string,
  scriptPath: string,
  bindings: Record<string, string>,
): Promise<InspectableWorker> {
  const inspectorPort = await getPort({ host: "127.0.0.1" });
  const worker = await serveWorker(name, scriptPath, bindings, { inspectorPort });
  return { url: worker.url, inspectorUrl: `ws://127.0.0.1:${inspectorPort}/core:user:${name}`, dispose: () => worker.dispose() };
}
