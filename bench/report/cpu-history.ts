import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CellSummary } from "../http/summary.ts";
import { findCell } from "./ratios.ts";
import { type BenchResults, resultsFiles } from "./results.ts";

/** Worker CPU per request in one run, alone and as a multiple of the bare route's in that run. */
export interface CpuInRun {
  cpuUsPerOp: number;
  /**
   * Over the bare route's CPU per request at the same concurrency in the same run. The bare
   * route's code does not change between runs, so this takes out most of the machine's own
   * drift (its speed moved by half between runs here) and leaves the change in edge-cache.
   */
  vsLimit: number | undefined;
}

export interface CpuHistoryRow {
  scenario: string;
  connections: number;
  latencyMs: number;
  /** Undefined where the earlier run did not measure this cell (a scenario added since). */
  before: CpuInRun | undefined;
  after: CpuInRun | undefined;
}

/** The earlier run every cell of this one is compared with. */
export interface CpuHistory {
  file: string;
  measuredAt: string;
  /** Its load generator: runs before wrk have no `load` and used autocannon throughout. */
  load: string;
  rows: CpuHistoryRow[];
}

/** Every cell of `after`, with the same cell of `before` beside it. */
export function compareCpu(before: Pick<BenchResults, "cells">, after: Pick<BenchResults, "cells">): CpuHistoryRow[] {
  return after.cells.map((cell) => {
    const earlier = findCell(before.cells, cell.scenario, cell.connections, cell.latencyMs);
    return {
      scenario: cell.scenario,
      connections: cell.connections,
      latencyMs: cell.latencyMs,
      before: earlier ? cpuInRun(earlier, before.cells) : undefined,
      after: cpuInRun(cell, after.cells),
    };
  });
}

function cpuInRun(cell: CellSummary, cells: readonly CellSummary[]): CpuInRun | undefined {
  if (cell.workerCpuUsPerOp === undefined) return undefined;
  const limit = findCell(cells, "limit", cell.connections, 0)?.workerCpuUsPerOp;
  return { cpuUsPerOp: cell.workerCpuUsPerOp, vsLimit: limit ? cell.workerCpuUsPerOp / limit : undefined };
}

/**
 * The newest bench/results/<date>.json measured before `currentFile` (which a rerun on the same
 * day overwrites), compared with `current`; undefined when there is none.
 */
export function cpuHistory(resultsDir: string, currentFile: string, current: Pick<BenchResults, "cells">): CpuHistory | undefined {
  const file = resultsFiles(resultsDir)
    .filter((name) => name < currentFile)
    .at(-1);
  if (!file) return undefined;
  const before = JSON.parse(readFileSync(join(resultsDir, file), "utf8")) as BenchResults;
  return { file, measuredAt: before.measuredAt, load: before.method.load ?? "autocannon", rows: compareCpu(before, current) };
}
