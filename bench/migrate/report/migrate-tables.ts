import type { CopyRun } from "../measure/copy-run.ts";
import { pct } from "./bottleneck.ts";
import { keysPerSecond } from "./migrate-verdicts.ts";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const mib = (n: number | undefined) => (n === undefined ? "-" : n.toFixed(1));

/** Requests by kind: the batches, the admin API, anything else (which a copy should not send). */
export function requestKinds(run: CopyRun): { batch: number; admin: number; other: number; notOk: number } {
  let batch = 0;
  let admin = 0;
  let other = 0;
  let notOk = 0;
  for (const [route, count] of Object.entries(run.requests.byRoute)) {
    if (route === "POST /v1/batch") batch += count.requests;
    else if (route.includes(" /admin/")) admin += count.requests;
    else other += count.requests;
    for (const [status, n] of Object.entries(count.statuses)) if (!/^2\d\d$/.test(status)) notOk += n;
  }
  return { batch, admin, other, notOk };
}

export function throughputTable(runs: readonly CopyRun[]): string[] {
  return [
    "| keys | CLI wall clock | keys/s | requests to the Worker: batch / admin / other | requests per key | answers not 2xx | batches in flight at the Worker (mean / max) | CLI peak RSS (VmHWM; highest polled VmRSS) |",
    "|---|---|---|---|---|---|---|---|",
    ...runs.map((run) => {
      const kinds = requestKinds(run);
      const inFlight = run.requests.busyMs / 1000 / run.cli.wallSeconds;
      return `| ${int(run.keys)} | ${run.cli.wallSeconds.toFixed(1)} s | **${int(keysPerSecond(run))}** | ${int(kinds.batch)} / ${int(kinds.admin)} / ${int(kinds.other)} | **${(run.requests.total / run.keys).toFixed(5)}** | ${int(kinds.notOk)} | ${inFlight.toFixed(2)} / ${run.requests.maxInFlight} | **${mib(run.cli.peakRssMiB)} MiB**; ${mib(run.cli.polledPeakRssMiB)} MiB |`;
    }),
  ];
}

export function cpuTable(runs: readonly CopyRun[]): string[] {
  const names = [...new Set(runs.flatMap((run) => run.cpu.processes.map((p) => p.name)))];
  const cell = (run: CopyRun, name: string) => {
    const p = run.cpu.processes.find((q) => q.name === name);
    return p ? `${p.cpuSeconds.toFixed(1)} s (${pct(p.cores)}; peak ${pct(p.peakCores)})` : "-";
  };
  return [
    `| process | ${runs.map((run) => `${int(run.keys)} keys`).join(" | ")} |`,
    `|---|${runs.map(() => "---|").join("")}`,
    ...names.map((name) => `| ${name} | ${runs.map((run) => cell(run, name)).join(" | ")} |`),
    `| whole machine, cores busy | ${runs.map((run) => (run.cpu.machineCores === undefined ? "-" : `${run.cpu.machineCores.toFixed(2)} of ${run.cpu.cpus}`)).join(" | ")} |`,
    `| workerd CPU per 1,000 keys | ${runs.map((run) => `${((workerdSeconds(run) * 1000 * 1000) / run.keys).toFixed(0)} ms`).join(" | ")} |`,
    `| CLI CPU per 1,000 keys | ${runs.map((run) => `${((run.cli.cpuSeconds * 1000 * 1000) / run.keys).toFixed(0)} ms`).join(" | ")} |`,
  ];
}

function workerdSeconds(run: CopyRun): number {
  return run.cpu.processes.find((p) => p.name === "workerd")?.cpuSeconds ?? 0;
}

export function completenessTable(runs: readonly CopyRun[]): string[] {
  return [
    "| keys | seeded in | state file: copied / refused / expired | L2 entries of the tenant | L2 DBSIZE | L2 evicted keys | L2 used memory | legacy used memory |",
    "|---|---|---|---|---|---|---|---|",
    ...runs.map(
      (run) =>
        `| ${int(run.keys)} | ${run.seeding.seconds.toFixed(1)} s | ${int(run.state.copied)} / ${int(run.state.refused)} / ${int(run.state.expired)}${run.state.completed ? "" : " (not completed)"} | ${int(run.l2.entries)} | ${int(run.l2.dbsize)} | ${int(run.l2.evictedKeys)} | ${int(run.l2.usedMemoryBytes / 1024 ** 2)} MiB | ${int(run.seeding.sourceUsedMemoryBytes / 1024 ** 2)} MiB |`,
    ),
  ];
}

export function rssSeries(run: CopyRun): string {
  return run.cpu.cliRssMiB.map(([seconds, value]) => `${seconds.toFixed(0)} s ${value.toFixed(0)}`).join(", ");
}
