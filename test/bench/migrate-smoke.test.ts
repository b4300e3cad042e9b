import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { MigrateResults } from "../../bench/migrate/report/migrate-results.ts";
import { runBench } from "./run-bench.ts";

const dir = mkdtempSync(join(tmpdir(), "edge-cache-migrate-smoke-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run bench -- --migrate --smoke", () => {
  it("copies 2,000 keys with the CLI, every one of them reaching the L2, and reports rate, requests, memory and CPU per process", {
    timeout: 120_000,
  }, async () => {
    const reportPath = join(dir, "migrate-smoke.json");
    const { code, output } = await runBench(["--migrate", "--smoke", "--report", reportPath]);
    expect(code, output).toBe(0);

    const results = JSON.parse(readFileSync(reportPath, "utf8")) as MigrateResults;
    expect(results.method).toMatchObject({ sizes: [2000], batchSize: 100, concurrency: 4, valueBytes: 1024 });
    expect(results.runs).toHaveLength(1);
    const [run] = results.runs;
    expect(run?.keys).toBe(2000);
    expect(run?.state).toMatchObject({ copied: 2000, completed: true, refused: 0 });
    expect(run?.l2).toMatchObject({ entries: 2000, evictedKeys: 0 });
    // 20 batches of 100, and the CLI's few admin calls: limits, the tenant's limits, its token, the revocation.
    expect(run?.requests.byRoute["POST /v1/batch"]?.requests).toBe(20);
    expect(run?.requests.total).toBeLessThan(30);
    expect(run?.cli.wallSeconds).toBeGreaterThan(0);
    expect(run?.cli.peakRssMiB, "peak RSS from the CLI's exit report").toBeGreaterThan(20);
    expect(run?.cpu.processes.map((p) => p.name)).toEqual(
      expect.arrayContaining(["CLI", "workerd", "gateway", "L2 redis-server", "legacy redis-server"]),
    );
    expect(run?.cpu.processes.find((p) => p.name === "workerd")?.cpuSeconds, "the Worker did the copy's work").toBeGreaterThan(0);

    const verdicts = results.verdicts;
    expect(verdicts.completeMet).toBe(true);
    expect(verdicts.runs[0]?.requestsPerKey).toBeCloseTo((run?.requests.total ?? 0) / 2000, 6);
    expect(verdicts.rss, "one size: flatness is not judged").toBeUndefined();
  });
});
