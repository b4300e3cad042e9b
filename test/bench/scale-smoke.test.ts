import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ScaleResults } from "../../bench/scale/report/scale-results.ts";
import { runBench } from "./run-bench.ts";

const dir = mkdtempSync(join(tmpdir(), "edge-cache-scale-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run bench -- --scale --smoke", () => {
  it("measures every operation at 10 and 100 tenants, each costing the same Redis requests and commands at both sizes", {
    timeout: 150_000,
  }, async () => {
    const reportPath = join(dir, "scale-smoke.json");
    const { code, output } = await runBench(["--scale", "--smoke", "--report", reportPath]);
    expect(code, output).toBe(0);

    const results = JSON.parse(readFileSync(reportPath, "utf8")) as ScaleResults;
    const operations = results.cost?.operations ?? [];
    expect(operations.map((op) => op.id)).toEqual(
      expect.arrayContaining(["preflight-tenant-origin", "token-unknown", "put", "get-l2", "tick-inline"]),
    );
    for (const op of operations) {
      expect(
        op.cells.map((cell) => cell.tenants),
        op.id,
      ).toEqual([10, 100]);
      expect(op.answersAsExpected, `${op.id} answered ${JSON.stringify(op.cells.map((c) => c.answers))}`).toBe(true);
      const counts = op.cells.map((cell) => ({ requests: cell.requests.median, commands: cell.commands.median }));
      expect(counts[1], `${op.id}: gateway requests and commands at 10 and 100 tenants`).toEqual(counts[0]);
    }

    const noisy = results.noisy;
    expect(noisy?.rounds).toHaveLength(1);
    expect(noisy?.verdicts.flood.responses, "tenant B got answers during the flood").toBeGreaterThan(0);
  });
});
