import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SCENARIOS } from "../../bench/http/scenarios.ts";
import type { CellSummary } from "../../bench/http/summary.ts";

const root = resolve(import.meta.dirname, "../..");
const tsx = resolve(root, "node_modules/.bin/tsx");
const dir = mkdtempSync(join(tmpdir(), "edge-cache-bench-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run bench -- --smoke`, minus npm; resolves with its exit code and the last of its output. */
function runSmoke(reportPath: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(tsx, ["bench/run.ts", "--smoke", "--report", reportPath], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-16 * 1024);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.once("error", reject);
    child.once("exit", (code) => resolveRun({ code, output }));
  });
}

describe("npm run bench -- --smoke", () => {
  it("runs every scenario, with and without gateway latency, and each gets answers without errors", { timeout: 180_000 }, async () => {
    const reportPath = join(dir, "smoke.json");
    const { code, output } = await runSmoke(reportPath);
    expect(code, output).toBe(0);

    const { cells } = JSON.parse(readFileSync(reportPath, "utf8")) as { cells: CellSummary[] };
    const expected = [...SCENARIOS.map((s) => `${s.id} +0`), ...SCENARIOS.filter((s) => s.withLatency).map((s) => `${s.id} +25`)].sort();
    expect(cells.map((c) => `${c.scenario} +${c.latencyMs}`).sort()).toEqual(expected);
    for (const cell of cells) {
      expect(cell.operations, `${cell.scenario} +${cell.latencyMs} ms answered nothing`).toBeGreaterThan(0);
      expect(cell.errors, `${cell.scenario} +${cell.latencyMs} ms had errors`).toBe(0);
    }
  });
});
