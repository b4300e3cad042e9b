import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { L2MoveResults } from "../../bench/l2-move/run.ts";

const root = resolve(import.meta.dirname, "../..");
const tsx = resolve(root, "node_modules/.bin/tsx");
const dir = mkdtempSync(join(tmpdir(), "edge-cache-l2-move-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run bench -- --l2-move --smoke", () => {
  it("backfills 2,000 keys tick by tick on the default budget, each reaching the new database with its lifetime", {
    timeout: 120_000,
  }, async () => {
    const reportPath = join(dir, "l2-move-smoke.json");
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolveRun, reject) => {
      const child = spawn(tsx, ["bench/run.ts", "--l2-move", "--smoke", "--report", reportPath], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let text = "";
      const keep = (chunk: Buffer) => {
        text = (text + chunk.toString("utf8")).slice(-16 * 1024);
      };
      child.stdout.on("data", keep);
      child.stderr.on("data", keep);
      child.once("error", reject);
      child.once("exit", (exitCode) => resolveRun({ code: exitCode, output: text }));
    });
    expect(code, output).toBe(0);
    const results = JSON.parse(readFileSync(reportPath, "utf8")) as L2MoveResults;
    const [run] = results.runs;
    expect(run).toMatchObject({ keys: 2000, budget: 24, copied: 2000, verified: { entries: 2000, lifetimesKept: 2000 } });
    // Two pages of 200 per tick on 24 subrequests: 2,000 keys take 5 ticks.
    expect(run?.invocations).toBe(5);
    expect(run?.controlKeys).toBeGreaterThanOrEqual(2);
  });
});
