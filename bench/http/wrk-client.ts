import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LoadGenerator } from "./load-client.ts";
import type { LoadJob, LoadResult } from "./load-types.ts";
import type { RequestPlan } from "./request-plan.ts";

const SCRIPT = fileURLToPath(new URL("./wrk-script.lua", import.meta.url));
const RESULT_LINE = /^WRK_RESULT (.*)$/m;

interface WrkReport {
  sent: number;
  responses: number;
  durationUs: number;
  socketErrors: number;
  timeouts: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  counts: Record<string, number>;
}

/** The plans wrk can send: one fixed request. The mixed plan draws a key per request (autocannon). */
export function wrkCanSend(plan: RequestPlan): boolean {
  return plan.kind !== "mixed";
}

/**
 * Load from wrk (Debian's package), a C event loop whose per-request cost is a fraction of
 * autocannon's: on a 2-core machine a Node load generator takes CPU the worker under test would
 * have used, which narrows every CPU-bound difference. Two threads, or one for one connection.
 * Responses are classified by the Lua script as autocannon's hook does (outcomes.ts), and the
 * latency percentiles are wrk's, exact to the microsecond.
 */
export function startWrkLoad(): LoadGenerator {
  const workDir = mkdtempSync(join(tmpdir(), "edge-cache-wrk-"));
  let runs = 0;
  return {
    async run(job: Omit<LoadJob, "id">) {
      const { plan } = job;
      if (plan.kind === "mixed") throw new Error("edge-cache bench: wrk sends one fixed request; the mixed plan runs on autocannon");
      const threads = Math.min(2, job.connections);
      let bodyFile = "-";
      if (plan.kind !== "get") {
        bodyFile = join(workDir, `body-${runs++}`);
        writeFileSync(bodyFile, plan.body);
      }
      const headers: Record<string, string> = { ...job.headers };
      if (plan.kind === "put") headers["content-type"] = plan.contentType;
      if (plan.kind === "post-json") headers["content-type"] = "application/json";
      const method = plan.kind === "get" ? "GET" : plan.kind === "put" ? "PUT" : "POST";
      // wrk runs are timed (it cannot stop at a count): the requests in flight when it stops are
      // served and their Redis requests counted, so "sent" counts every request written.
      // wrk takes whole seconds.
      const seconds = Math.max(1, Math.round(job.durationSeconds ?? 10));
      const args = [
        `-t${threads}`,
        `-c${job.connections}`,
        `-d${seconds}s`,
        "--timeout",
        "10s",
        ...Object.entries(headers).flatMap(([name, value]) => ["-H", `${name}: ${value}`]),
        "-s",
        SCRIPT,
        `${job.url}${plan.path}`,
        "--",
        method,
        plan.path,
        bodyFile,
      ];
      const report = await runWrk(args);
      return toLoadResult(report);
    },
    async stop() {
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

function runWrk(args: string[]): Promise<WrkReport> {
  return new Promise((resolve, reject) => {
    execFile("wrk", args, { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`edge-cache bench: wrk failed (${error.message}): ${stderr}`));
      const line = RESULT_LINE.exec(stdout);
      if (!line?.[1]) return reject(new Error(`edge-cache bench: wrk printed no result: ${stdout}${stderr}`));
      resolve(JSON.parse(line[1]) as WrkReport);
    });
  });
}

function toLoadResult(report: WrkReport): LoadResult {
  const statusCodes: Record<string, number> = {};
  const outcomes: Record<string, number> = {};
  let ok = 0;
  for (const [name, count] of Object.entries(report.counts)) {
    if (name.startsWith("status:")) {
      const status = name.slice("status:".length);
      statusCodes[status] = count;
      if (status.startsWith("2")) ok += count;
    } else outcomes[name] = count;
  }
  const seconds = report.durationUs / 1e6;
  return {
    generator: "wrk",
    sent: report.sent,
    responses: report.responses,
    ok,
    errors: report.socketErrors + report.timeouts + (report.responses - ok),
    statusCodes,
    outcomes,
    seconds,
    requestsPerSecond: ok / seconds,
    p50Ms: report.p50Us / 1000,
    p90Ms: report.p90Us / 1000,
    p99Ms: report.p99Us / 1000,
  };
}
