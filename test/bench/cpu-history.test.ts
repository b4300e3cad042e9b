import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CellSummary } from "../../bench/http/summary.ts";
import { compareCpu, cpuHistory } from "../../bench/report/cpu-history.ts";

const dir = mkdtempSync(join(tmpdir(), "edge-cache-cpu-history-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Only what the comparison reads; the rest of a cell does not enter it.
function cell(scenario: string, connections: number, latencyMs: number, workerCpuUsPerOp: number | undefined): CellSummary {
  return { scenario, connections, latencyMs, workerCpuUsPerOp } as CellSummary;
}

function writeRun(file: string, cells: CellSummary[], load?: string): void {
  const method = load ? { load } : {};
  writeFileSync(join(dir, file), JSON.stringify({ measuredAt: `${file.slice(0, 10)}T12:00:00.000Z`, method, cells }));
}

describe("worker CPU before and after", () => {
  it("puts each cell beside the same cell of the earlier run, also as a multiple of that run's bare route", () => {
    const before = [cell("limit", 1, 0, 400), cell("l1-hit", 1, 0, 480), cell("l1-hit", 1, 25, 600)];
    const after = [cell("limit", 1, 0, 300), cell("l1-hit", 1, 0, 330), cell("l1-hit", 1, 25, 390), cell("set", 1, 0, 900)];
    const rows = compareCpu({ cells: before }, { cells: after });

    expect(rows.find((r) => r.scenario === "l1-hit" && r.latencyMs === 0)).toEqual({
      scenario: "l1-hit",
      connections: 1,
      latencyMs: 0,
      before: { cpuUsPerOp: 480, vsLimit: 1.2 },
      after: { cpuUsPerOp: 330, vsLimit: 1.1 },
    });
    // A gateway latency does not touch the bare route: it is the one measured without.
    const delayed = rows.find((r) => r.scenario === "l1-hit" && r.latencyMs === 25);
    expect(delayed?.before?.vsLimit).toBeCloseTo(1.5);
    expect(delayed?.after?.vsLimit).toBeCloseTo(1.3);
    // A scenario the earlier run did not have is shown with nothing before it.
    expect(rows.find((r) => r.scenario === "set")).toMatchObject({ before: undefined, after: { cpuUsPerOp: 900, vsLimit: 3 } });
  });

  it("leaves a multiple out where its run has no bare route, and a cell out where CPU was not read", () => {
    const rows = compareCpu({ cells: [cell("l1-hit", 32, 0, 300)] }, { cells: [cell("l1-hit", 32, 0, undefined)] });
    expect(rows).toEqual([
      { scenario: "l1-hit", connections: 32, latencyMs: 0, before: { cpuUsPerOp: 300, vsLimit: undefined }, after: undefined },
    ]);
  });

  it("compares with the newest results file before the current one, never with itself or a later one", () => {
    writeRun("2026-11-01.json", [cell("limit", 1, 0, 500), cell("l1-hit", 1, 0, 700)]);
    writeRun("2026-11-22.json", [cell("limit", 1, 0, 400), cell("l1-hit", 1, 0, 480)], "wrk");
    writeRun("2026-12-10.json", [cell("limit", 1, 0, 100), cell("l1-hit", 1, 0, 100)]);
    writeFileSync(join(dir, "bundle-2026-11-30.json"), "{}");
    const current = { cells: [cell("limit", 1, 0, 300), cell("l1-hit", 1, 0, 330)] };

    const history = cpuHistory(dir, "2026-12-03.json", current);
    expect(history).toMatchObject({ file: "2026-11-22.json", measuredAt: "2026-11-22T12:00:00.000Z", load: "wrk" });
    expect(history?.rows.find((r) => r.scenario === "l1-hit")?.before?.cpuUsPerOp).toBe(480);
    // A rerun on the day of an earlier file compares with the file before it, not with the one it replaces.
    expect(cpuHistory(dir, "2026-11-22.json", current)).toMatchObject({ file: "2026-11-01.json", load: "autocannon" });
    expect(cpuHistory(dir, "2026-11-01.json", current)).toBeUndefined();
  });
});
