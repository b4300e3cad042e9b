import { readFileSync, writeFileSync } from "node:fs";
import type { Evaluation } from "./evaluate.ts";
import { round } from "./percentile.ts";

export interface ChaosReport extends Evaluation {
  mode: string;
  finishedAt: string;
  environment: { node: string; cpus: number; platform: string };
  workerVars: Record<string, string>;
  faults: { name: string; what: string; outage: boolean; seconds: number; healthyAfterMs?: number }[];
  durabilitySnapshots: unknown[];
  flood: unknown;
}

export function invariantTable(report: Pick<ChaosReport, "invariants">): string {
  const rows = report.invariants.map(
    (i) => `| ${i.violations === 0 ? "✅" : "❌"} ${i.title} | ${i.checked} | ${i.violations} | ${i.figures.replaceAll("|", "/")} |`,
  );
  return ["| invariant | checked | violations | figures |", "| --- | ---: | ---: | --- |", ...rows].join("\n");
}

export function renderMarkdown(report: ChaosReport): string {
  const outages = report.outages.map(
    (o) =>
      `| ${o.name} | ${o.okBefore ? "ok" : "not ok"} | ${o.degradedSamples} | ${o.downSamples} | ${o.closedAfterMs === undefined ? "never" : `${Math.round(o.closedAfterMs)} ms`} |`,
  );
  const latency = report.latency.map((l) => `| ${l.phase} | ${l.requests} | ${l.p50} | ${l.p99} | ${l.max} |`);
  const failing = report.invariants.filter((i) => i.violations > 0);
  return [
    `Run of ${report.finishedAt} (${report.mode} mode, Node ${report.environment.node}, ${report.environment.cpus} CPUs): ` +
      `${report.totals.requests} requests; writes ${JSON.stringify(report.totals.writes)}; ` +
      `deadline ${report.budget.l2TimeoutMs} + ${report.budget.slackMs} + ${round(report.budget.baselineMs)} ms (pulse p99 before faults; ` +
      `the traffic's own p99 then: ${round(report.budget.trafficBaselineMs)} ms); pulse over the load p50 ${report.machine.p50Ms} / p99 ${report.machine.p99Ms} / max ${report.machine.maxMs} ms.`,
    "",
    invariantTable(report),
    "",
    ...(failing.length > 0 ? ["Examples of violations:", "", ...failing.flatMap((i) => i.examples.map((e) => `- ${i.id}: ${e}`)), ""] : []),
    "| outage | /health before | degraded samples | down samples | ok + closed after recovery |",
    "| --- | --- | ---: | ---: | ---: |",
    ...outages,
    "",
    "| phase | requests | p50 ms | p99 ms | max ms |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...latency,
  ].join("\n");
}

const BEGIN = "<!-- chaos:long:begin -->";
const END = "<!-- chaos:long:end -->";

/** Replaces the generated section of bench/CHAOS.md with this run's figures. */
export function updateChaosDoc(path: string, report: ChaosReport): void {
  const doc = readFileSync(path, "utf8");
  const begin = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`chaos: ${path} has no ${BEGIN} … ${END} section`);
  writeFileSync(path, `${doc.slice(0, begin + BEGIN.length)}\n${renderMarkdown(report)}\n${doc.slice(end)}`);
}
