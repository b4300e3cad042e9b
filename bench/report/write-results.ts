import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SCENARIOS } from "../http/scenarios.ts";
import { renderResults } from "./markdown.ts";
import { type BenchResults, resultsFileName } from "./results.ts";
import { throughputChart } from "./svg-chart.ts";

/** Writes bench/results/<date>.json, bench/results/throughput.svg and bench/RESULTS.md, all from the same results. */
export function writeResults(benchDir: string, results: BenchResults): { json: string; svg: string; markdown: string } {
  const resultsDir = join(benchDir, "results");
  mkdirSync(resultsDir, { recursive: true });
  const jsonName = resultsFileName(results.measuredAt);
  const json = join(resultsDir, jsonName);
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);

  const measured = new Set(results.cells.map((c) => c.scenario));
  const rows = (withLatencyOnly: boolean) =>
    SCENARIOS.filter((s) => measured.has(s.id) && (!withLatencyOnly || s.withLatency)).map((s) => ({
      scenario: s.id,
      label: s.shortLabel,
    }));
  const svg = join(resultsDir, "throughput.svg");
  writeFileSync(
    svg,
    throughputChart(
      results.cells,
      [
        { title: "No added latency", latencyMs: 0, rows: rows(false) },
        { title: `+${results.method.latencyMs} ms gateway latency`, latencyMs: results.method.latencyMs, rows: rows(true) },
      ],
      results.method.connections,
    ),
  );
  const markdown = join(benchDir, "RESULTS.md");
  writeFileSync(markdown, renderResults(results, jsonName, SCENARIOS));
  return { json, svg, markdown };
}
