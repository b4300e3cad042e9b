import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateToken } from "../../../shared/tenants/token-format.ts";
import type { PacedJob, PacedPlan, PacedResult } from "./paced-types.ts";

const WRK = process.env.WRK_BINARY ?? "/usr/bin/wrk";
const SCRIPT = fileURLToPath(new URL("./paced.lua", import.meta.url));
/** Made-up tokens a fake-token stream cycles through: more than it sends in any run here. */
const FAKE_TOKENS = 20_000;

/**
 * Runs paced streams with wrk, one process each. wrk rather than autocannon: autocannon paces by
 * sending each second's quota back to back at the start of the second, so two paced streams
 * collide in bursts at every second boundary; wrk's think times (paced.lua) spread arrivals out,
 * and as a C program it takes far less of the two cores than a Node client would.
 */
export class WrkLoad {
  readonly #dir = mkdtempSync(join(tmpdir(), "edge-cache-scale-load-"));

  /** Files the Lua script reads: written once, before any stream needs them. */
  prepare(files: { value: string }): void {
    writeFileSync(join(this.#dir, "value.txt"), files.value);
    writeFileSync(join(this.#dir, "tokens.txt"), `${Array.from({ length: FAKE_TOKENS }, () => generateToken()).join("\n")}\n`);
  }

  run(job: PacedJob): Promise<PacedResult> {
    if (job.plan.kind === "oversized-batch") this.#writeOversized(job.plan);
    // Each connection waits connections / rate on average before each request: about `rate`
    // requests per second in all while answers are much faster than that.
    const thinkMs = (job.connections * 1000) / job.ratePerSecond;
    const args = [
      "-t1",
      `-c${job.connections}`,
      `-d${job.durationSeconds}s`,
      "--timeout",
      "10s",
      "-s",
      SCRIPT,
      ...Object.entries(job.headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]),
      `${job.url}/`,
      "--",
      ...scriptArgs(job.plan, thinkMs, this.#dir),
    ];
    return new Promise((resolve, reject) => {
      const child = spawn(WRK, args, { stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8");
      });
      child.stderr.on("data", (chunk: Buffer) => {
        err += chunk.toString("utf8");
      });
      child.once("error", reject);
      // "close", not "exit": the process can exit before its output has been read.
      child.once("close", (code) => {
        const line = out.split("\n").find((l) => l.startsWith("WRK_JSON "));
        if (code !== 0 || !line) return reject(new Error(`edge-cache bench: wrk exited ${code}: ${err.slice(-500)}${out.slice(-500)}`));
        resolve(toResult(JSON.parse(line.slice("WRK_JSON ".length)) as WrkSummary, job.durationSeconds));
      });
    });
  }

  dispose(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #writeOversized(plan: Extract<PacedPlan, { kind: "oversized-batch" }>): void {
    // Random bytes do not compress: base64 is what Redis would be sent, 4/3 of every value.
    const set = Array.from({ length: plan.values }, (_, i) => ({
      key: `oversized/${i}`,
      value: randomBytes(plan.valueBytes).toString("base64"),
      encoding: "base64",
    }));
    writeFileSync(join(this.#dir, "oversized.json"), JSON.stringify({ set }));
  }
}

function scriptArgs(plan: PacedPlan, thinkMs: number, dir: string): string[] {
  const head = (mode: string) => [mode, thinkMs.toFixed(3), dir];
  switch (plan.kind) {
    case "steady-mix":
      return [
        ...head("steady"),
        `keyPrefix=${plan.keyPrefix}`,
        `keyCount=${plan.keyCount}`,
        `putShare=${plan.putShare}`,
        `putQuery=${plan.putQuery}`,
        `contentType=${plan.contentType}`,
        `seed=${plan.seed}`,
      ];
    case "fake-tokens":
      return [...head("fake-tokens"), `path=${plan.path}`];
    case "repeat-get":
      return [...head("repeat-get"), `path=${plan.path}`];
    case "oversized-batch":
      return head("oversized");
  }
}

interface WrkSummary {
  requests: number;
  durationUs: number;
  socketErrors: number;
  timeouts: number;
  latencyUs: { p50: number; p90: number; p99: number; max: number };
  answers: Record<string, number>;
  outcomes: Record<string, number>;
}

function toResult(summary: WrkSummary, durationSeconds: number): PacedResult {
  const seconds = summary.durationUs / 1e6 || durationSeconds;
  const ok = Object.entries(summary.answers).reduce((sum, [answer, n]) => sum + (/^2\d\d$/.test(answer) ? n : 0), 0);
  return {
    // wrk counts completed requests; those cut off by the end of the run are not sent ones here.
    sent: summary.requests + summary.socketErrors + summary.timeouts,
    responses: summary.requests,
    ok,
    statusCodes: Object.fromEntries(
      Object.entries(summary.answers).reduce((codes, [answer, n]) => {
        const status = answer.split(" ")[0] as string;
        codes.set(status, (codes.get(status) ?? 0) + n);
        return codes;
      }, new Map<string, number>()),
    ),
    answers: summary.answers,
    outcomes: summary.outcomes,
    failures: summary.socketErrors + summary.timeouts,
    seconds,
    achievedRate: summary.requests / seconds,
    p50Ms: summary.latencyUs.p50 / 1000,
    p90Ms: summary.latencyUs.p90 / 1000,
    p99Ms: summary.latencyUs.p99 / 1000,
    maxMs: summary.latencyUs.max / 1000,
  };
}
