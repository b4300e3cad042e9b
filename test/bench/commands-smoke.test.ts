import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { CommandsResults } from "../../bench/commands/run.ts";
import { runBench } from "./run-bench.ts";

const dir = mkdtempSync(join(tmpdir(), "edge-cache-commands-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run bench -- --commands --smoke", () => {
  it("counts Redis commands per 1,000 GETs for every workload, with 1 and 4 isolates and through the whole Worker, refresh ahead off and on", {
    timeout: 180_000,
  }, async () => {
    const reportPath = join(dir, "commands-smoke.json");
    const { code, output } = await runBench(["--commands", "--smoke", "--report", reportPath]);
    expect(code, output).toBe(0);
    const { cells, worker } = JSON.parse(readFileSync(reportPath, "utf8")) as CommandsResults;
    expect(cells).toHaveLength(12);
    for (const cell of cells) expect(cell.gets).toBeGreaterThan(0);
    // Hot keys: checked in batches, not one command per key per bound.
    for (const isolates of [1, 4]) {
      const [off, on] = [false, true].map((refreshAhead) =>
        cells.find((cell) => cell.workload === "hot-key" && cell.isolates === isolates && cell.refreshAhead === refreshAhead),
      );
      expect(on?.commandsPer1000Gets).toBeLessThan((off?.commandsPer1000Gets ?? 0) / 5);
    }
    // The whole Worker: hot keys cost far less than one command per GET, and a rate limit's
    // leases add a few commands per window, not one per GET.
    expect(worker).toHaveLength(4);
    for (const cell of worker) expect(cell.gets).toBeGreaterThan(0);
    const workerCell = (rateLimited: boolean, refreshAhead: boolean) =>
      worker.find((cell) => cell.rateLimited === rateLimited && cell.refreshAhead === refreshAhead);
    expect(workerCell(false, true)?.commandsPer1000Gets).toBeLessThan((workerCell(false, false)?.commandsPer1000Gets ?? 0) / 5);
    expect(workerCell(true, true)?.commandsPer1000Gets).toBeLessThan(250);
  });
});
