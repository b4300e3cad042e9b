import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onProcessExit } from "../../../dev/process-cleanup.ts";
import type { ExitReport } from "./exit-report.ts";

export interface CliRun {
  /** The command as run (the admin token is in the environment, never here). */
  command: string;
  code: number | null;
  signal: string | null;
  /** Spawn to exit: Node and tsx start-up included, as a user would wait for it. */
  wallSeconds: number;
  /** The last of what it wrote: its report, or why it stopped. */
  stdoutTail: string;
  stderrTail: string;
  /** Written by exit-report.ts as it exited; absent if it was killed. */
  exit: ExitReport | undefined;
}

export interface StartedCli {
  pid: number;
  done: Promise<CliRun>;
}

const EXIT_REPORT = fileURLToPath(new URL("./exit-report.ts", import.meta.url));
const TAIL_BYTES = 8 * 1024;

/**
 * `npm run migrate -- args` as a child process, minus npm and the tsx binary (each would put a
 * process of its own between the harness and the CLI): `node --import tsx tools/migrate/main.ts`,
 * so the pid whose CPU and memory are read is the CLI's own.
 */
export function startCli(
  repoRoot: string,
  args: readonly string[],
  env: Record<string, string>,
  options: { exitReportPath: string; nodeArgs?: readonly string[] },
): StartedCli {
  const argv = [...(options.nodeArgs ?? []), "--import", "tsx", "--import", EXIT_REPORT, join("tools", "migrate", "main.ts"), ...args];
  const started = performance.now();
  const child = spawn(process.execPath, argv, {
    cwd: repoRoot,
    env: { ...process.env, ...env, EDGE_CACHE_BENCH_EXIT_REPORT: options.exitReportPath },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error("edge-cache bench: could not start the migration CLI");
  const unregister = onProcessExit(() => child.kill("SIGKILL"));
  let stdoutTail = "";
  let stderrTail = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdoutTail = (stdoutTail + chunk.toString("utf8")).slice(-TAIL_BYTES);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderrTail = (stderrTail + chunk.toString("utf8")).slice(-TAIL_BYTES);
  });
  const done = new Promise<CliRun>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      unregister();
      resolve({
        command: `node --import tsx tools/migrate/main.ts ${args.join(" ")}`,
        code,
        signal,
        wallSeconds: (performance.now() - started) / 1000,
        stdoutTail,
        stderrTail,
        exit: existsSync(options.exitReportPath) ? (JSON.parse(readFileSync(options.exitReportPath, "utf8")) as ExitReport) : undefined,
      });
    });
  });
  return { pid: child.pid, done };
}
