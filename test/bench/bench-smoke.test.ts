import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SCENARIOS } from "../../bench/http/scenarios.ts";
import type { CellSummary } from "../../bench/http/summary.ts";
import { runBench } from "./run-bench.ts";

const dir = mkdtempSync(join(tmpdir(), "edge-cache-bench-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run bench -- --smoke", () => {
  it("runs every scenario, with and without gateway latency, and each gets answers without errors", { timeout: 180_000 }, async () => {
    const reportPath = join(dir, "smoke.json");
    const { code, output } = await runBench(["--smoke", "--report", reportPath]);
    expect(code, output).toBe(0);

    const { cells, generators } = JSON.parse(readFileSync(reportPath, "utf8")) as {
      cells: CellSummary[];
      generators: Record<string, string>;
    };
    // wrk sends every fixed request; the mixed plan, a key drawn per request, stays on autocannon.
    expect(generators).toEqual(Object.fromEntries(SCENARIOS.map((s) => [s.id, s.id === "mixed" ? "autocannon" : "wrk"])));
    const expected = [...SCENARIOS.map((s) => `${s.id} +0`), ...SCENARIOS.filter((s) => s.withLatency).map((s) => `${s.id} +25`)].sort();
    expect(cells.map((c) => `${c.scenario} +${c.latencyMs}`).sort()).toEqual(expected);
    for (const cell of cells) {
      expect(cell.operations, `${cell.scenario} +${cell.latencyMs} ms answered nothing`).toBeGreaterThan(0);
      expect(cell.errors, `${cell.scenario} +${cell.latencyMs} ms had errors`).toBe(0);
    }
  });
});
