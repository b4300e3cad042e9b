import type { BundleResults } from "./results.ts";

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

/** BUNDLE.md, rendered from the results JSON only. */
export function renderBundleReport(r: BundleResults, jsonName: string): string {
  const within = r.bundle.gzipBytes <= r.targetGzipBytes;
  const s = r.startup;
  const packageRows = r.packages.map(
    (p) =>
      `| ${p.name} | ${p.modules} | ${kib(p.bytesInOutput)} | ${(p.share * 100).toFixed(1)}% | ` +
      `${p.gzipCostBytes === undefined ? "-" : kib(p.gzipCostBytes)} |`,
  );
  return [
    "# Worker bundle",
    "",
    `Generated from \`bench/results/${jsonName}\` by \`npx tsx bench/bundle/measure.ts\`. Do not edit by hand: rerun it.`,
    "",
    `Built by \`wrangler deploy --dry-run\` (wrangler ${r.wranglerVersion}, offline, nothing uploaded). ` +
      `Machine: ${r.environment.cpu}, ${r.environment.cpus} cores; Node ${r.environment.node}.`,
    "",
    "## Size",
    "",
    "| Build | Raw | gzip -9 (node:zlib) | wrangler prints (total / gzip) |",
    "|---|---|---|---|",
    `| as configured | ${kib(r.bundle.rawBytes)} | ${kib(r.bundle.gzipBytes)} (${r.bundle.gzipBytes.toLocaleString("en")} B) | ` +
      `${r.bundle.wranglerTotalKiB} KiB / ${r.bundle.wranglerGzipKiB} KiB |`,
    `| with --minify | ${kib(r.minified.rawBytes)} | ${kib(r.minified.gzipBytes)} (${r.minified.gzipBytes.toLocaleString("en")} B) | ` +
      `${r.minified.wranglerTotalKiB} KiB / ${r.minified.wranglerGzipKiB} KiB |`,
    "",
    `- Target ≤ 200 KB gzip (${r.targetGzipBytes.toLocaleString("en")} B): ${within ? "**met**" : "**missed**"} ` +
      `(${r.bundle.gzipBytes.toLocaleString("en")} B as configured).`,
    "",
    "## Weight per package",
    "",
    "Raw bytes from the metafile wrangler writes; gzip cost is what the bundle loses, compressed, when the package is " +
      `left out (an esbuild rebuild mirroring wrangler's options: ${kib(r.esbuildRebuild.rawBytes)} raw, ` +
      `${kib(r.esbuildRebuild.gzipBytes)} gzip, against wrangler's ${kib(r.bundle.rawBytes)} / ${kib(r.bundle.gzipBytes)}). ` +
      "Our own code is listed by folder.",
    "",
    "| Package | Modules | Raw in bundle | Share | gzip cost |",
    "|---|---|---|---|---|",
    ...packageRows,
    "",
    "## Startup",
    "",
    `Miniflare (workerd) directly, compatibility date ${s.compatibilityDate}, memory-only store (no bindings); medians of ` +
      `${s.runs} runs, alternating with an empty Worker so workerd's own start-up can be subtracted.`,
    "",
    "| Worker | ready | of which Node CPU | first GET /health | ready + first request | global scope (in workerd) |",
    "|---|---|---|---|---|---|",
    ...[["edge-cache", s.worker] as const, ["empty Worker", s.emptyWorker] as const].map(
      ([name, w]) =>
        `| ${name} | ${ms(w.readyMs)} | ${ms(w.nodeCpuMs)} | ${ms(w.firstFetchMs)} | ${ms(w.totalMs)} | ${ms(w.globalScopeMs)} |`,
    ),
    `| difference | ${ms(s.workerOverEmptyMs.ready)} | ${ms(s.worker.nodeCpuMs - s.emptyWorker.nodeCpuMs)} | ` +
      `${ms(s.workerOverEmptyMs.firstFetch)} | ${ms(s.workerOverEmptyMs.total)} | ${ms(s.worker.globalScopeMs - s.emptyWorker.globalScopeMs)} |`,
    "",
    "`ready` covers Miniflare preparing the config in Node (its CPU is shown), workerd compiling the modules and evaluating " +
      "them; global scope is the evaluation alone, " +
      "timed by a wrapper module around the bundle. Workers must finish startup within 1 s; the difference row is " +
      "what this bundle adds. Deployed, clocks do not advance during CPU work, so only a local run can time the global scope.",
    "",
  ].join("\n");
}
