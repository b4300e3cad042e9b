import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type ChaosReport, updateChaosDoc } from "./report.ts";
import type { HealthSample } from "./samplers/health-sampler.ts";
import type { HeapSample } from "./samplers/heap-sampler.ts";
import type { Journal } from "./traffic/journal.ts";

export interface OutputPaths {
  repoRoot: string;
  /** Results JSON, relative to the repository root. */
  out: string | undefined;
  /** JSON lines of every record, event and sample, relative to the working directory. */
  dump: string | undefined;
  updateDoc: boolean;
}

export function writeOutputs(paths: OutputPaths, report: ChaosReport, journal: Journal, health: HealthSample[], heap: HeapSample[]): void {
  if (paths.out) {
    const path = resolve(paths.repoRoot, paths.out);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
  }
  if (paths.dump) {
    const items = [...journal.records, ...journal.events, ...health.map((s) => ({ health: s })), ...heap.map((s) => ({ heap: s }))];
    writeFileSync(resolve(paths.dump), `${items.map((item) => JSON.stringify(item)).join("\n")}\n`);
  }
  if (paths.updateDoc) updateChaosDoc(resolve(paths.repoRoot, "bench/CHAOS.md"), report);
}
