import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { Miniflare } from "miniflare";
import { COMPATIBILITY_FLAGS } from "../http/serve.ts";
import { median } from "../l1/median.ts";

export interface StartupSample {
  /** new Miniflare() until `ready`: workerd started, the modules compiled and evaluated. */
  readyMs: number;
  /** The first request, `GET /health`, until its body is read. */
  firstFetchMs: number;
  /** CPU this Node process spent until `ready`: Miniflare's own share of the wait, not workerd's. */
  nodeCpuMs: number;
  /** The bundle's global scope alone, timed inside workerd (local clocks advance during CPU work). */
  globalScopeMs: number;
}

export interface StartupSummary {
  readyMs: number;
  firstFetchMs: number;
  nodeCpuMs: number;
  globalScopeMs: number;
  totalMs: number;
  samples: StartupSample[];
}

export interface StartupOptions {
  scriptPath: string;
  /**
   * The newest date the workerd inside the installed miniflare accepts; wrangler.toml may name a
   * later one, which only the deployed runtime knows.
   */
  compatibilityDate: string;
  /** Measured pairs (bundle, empty Worker), after one unmeasured pair. @default 7 */
  runs?: number;
}

// ES modules evaluate their imports in order: the clock module runs first, then the whole bundle,
// then the wrapper's body, so the difference is the bundle's global scope.
const CLOCK = "export const startedAt = Date.now();\n";
const WRAPPER = `import { startedAt } from "./clock-start.js";
import worker from "./worker.js";
const globalScopeMs = Date.now() - startedAt;
export default {
  fetch(request, env, ctx) {
    return new URL(request.url).pathname === "/__startup" ? Response.json({ globalScopeMs }) : worker.fetch(request, env, ctx);
  },
};
`;
const EMPTY_WORKER = 'export default { fetch() { return new Response("ok"); } };\n';

async function startOnce(workerCode: string, root: string, compatibilityDate: string): Promise<StartupSample> {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  // Modules are passed with their contents: given a scriptPath, Miniflare parses the bundle in
  // Node to find its imports, which adds hundreds of ms that no deployed Worker pays.
  const mf = new Miniflare({
    compatibilityDate,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    modulesRoot: root,
    modules: [
      { type: "ESModule", path: join(root, "startup-wrapper.js"), contents: WRAPPER },
      { type: "ESModule", path: join(root, "clock-start.js"), contents: CLOCK },
      { type: "ESModule", path: join(root, "worker.js"), contents: workerCode },
    ],
  });
  try {
    await mf.ready;
    const ready = performance.now();
    const cpu = process.cpuUsage(cpuAtStart);
    const response = await mf.dispatchFetch("http://localhost/health");
    await response.text();
    const firstFetchMs = performance.now() - ready;
    if (response.status !== 200) throw new Error(`edge-cache bench: GET /health answered ${response.status}`);
    const { globalScopeMs } = (await (await mf.dispatchFetch("http://localhost/__startup")).json()) as { globalScopeMs: number };
    return { readyMs: ready - started, firstFetchMs, nodeCpuMs: (cpu.user + cpu.system) / 1000, globalScopeMs };
  } finally {
    await mf.dispose();
  }
}

function summarize(samples: StartupSample[]): StartupSummary {
  return {
    readyMs: median(samples.map((s) => s.readyMs)),
    firstFetchMs: median(samples.map((s) => s.firstFetchMs)),
    nodeCpuMs: median(samples.map((s) => s.nodeCpuMs)),
    globalScopeMs: median(samples.map((s) => s.globalScopeMs)),
    totalMs: median(samples.map((s) => s.readyMs + s.firstFetchMs)),
    samples,
  };
}

/**
 * Most of `ready` is workerd itself starting, so the bundle is timed against an empty Worker
 * started the same way, alternately: the difference is what our module costs at startup.
 */
export async function measureStartup(options: StartupOptions): Promise<{ worker: StartupSummary; emptyWorker: StartupSummary }> {
  const root = dirname(options.scriptPath);
  const bundle = readFileSync(options.scriptPath, "utf8");
  const worker: StartupSample[] = [];
  const empty: StartupSample[] = [];
  const runs = options.runs ?? 7;
  for (let run = -1; run < runs; run++) {
    // Alternating which goes first keeps a warming disk cache or CPU clock from favouring one.
    const bundleFirst = run % 2 === 0;
    const first = await startOnce(bundleFirst ? bundle : EMPTY_WORKER, root, options.compatibilityDate);
    const second = await startOnce(bundleFirst ? EMPTY_WORKER : bundle, root, options.compatibilityDate);
    if (run < 0) continue;
    worker.push(bundleFirst ? first : second);
    empty.push(bundleFirst ? second : first);
  }
  return { worker: summarize(worker), emptyWorker: summarize(empty) };
}
