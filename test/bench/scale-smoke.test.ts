import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ScaleResults } from "../../bench/scale/report/scale-results.ts";

const root = resolve(import.meta.dirname, "../..");
const tsx = resolve(root, "node_modules/.bin/tsx");
const dir = mkdtempSync(join(tmpdir(), "edge-cache-scale-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npm run bench -- --scale --smoke`, minus npm; resolves with its exit code and the last of its output. */
function runScaleSmoke(reportPath: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(tsx, ["bench/run.ts", "--scale", "--smoke", "--report", reportPath], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
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

describe("npm run bench -- --scale --smoke", () => {
  it("measures every operation at 10 and 100 tenants, each costing the same Redis requests and commands at both sizes", {
    timeout: 150_000,
  }, async () => {
    const reportPath = join(dir, "scale-smoke.json");
    const { code, output } = await runScaleSmoke(reportPath);
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
