import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import getPort from "get-port";
import { isRunning, stopChild } from "../child-process.ts";
import { onProcessExit } from "../process-cleanup.ts";
import { spawnServer } from "../spawn-server.ts";
import { RedisLaunchError } from "./errors.ts";
import { waitUntilServing } from "./readiness.ts";
import { buildServerArgs } from "./server-args.ts";

export interface RedisLauncherOptions {
  /** Executable to run, looked up on PATH unless it contains a slash. @default "redis-server" */
  binary?: string;
  /**
   * Port on 127.0.0.1. With 0 a free port is picked, and another one when redis-server finds it
   * taken by the time it binds. An explicit port is never swapped for another.
   * @default 0
   */
  port?: number;
  /** Keep an append-only file in `dir` so data survives a restart. Tests want none. @default false */
  persistence?: boolean;
  /** Working directory of redis-server. @default a fresh temp directory, removed by stop() */
  dir?: string;
  /** More redis-server arguments, e.g. `["--maxmemory", "64mb"]`. @default [] */
  extraArgs?: readonly string[];
  /** How long to wait for the server to answer. @default 10_000 */
  startTimeoutMs?: number;
  /** Starts attempted when picked ports turn out to be taken. @default 5 */
  maxPortAttempts?: number;
  /** Receives each line redis-server logs. @default lines are kept only for error messages */
  onLog?: (line: string) => void;
  /** Chooses a free port; replaceable so tests can force a collision. @default get-port on 127.0.0.1 */
  pickPort?: () => Promise<number>;
}

export interface RunningRedis {
  host: "127.0.0.1";
  port: number;
  /** `redis://127.0.0.1:<port>` */
  url: string;
  pid: number;
  dir: string;
  /** How many starts it took (more than one after a port collision). */
  attempts: number;
  /** Stops the server and removes a temp dir it created. Safe to call twice. */
  stop(): Promise<void>;
}

const defaultPickPort = () => getPort({ host: "127.0.0.1" });

/** Starts redis-server on loopback and resolves once it answers. */
export async function startRedis(options: RedisLauncherOptions = {}): Promise<RunningRedis> {
  const { port = 0, maxPortAttempts = 5, pickPort = defaultPickPort } = options;
  const ownsDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "edge-cache-redis-"));
  try {
    for (let attempt = 1; ; attempt++) {
      const chosenPort = port === 0 ? await pickPort() : port;
      const outcome = await launchOnce({ ...options, port: chosenPort, dir });
      if (outcome.kind === "running") {
        return running(outcome.child, chosenPort, dir, ownsDir, attempt);
      }
      const retry = outcome.kind === "port-taken" && port === 0 && attempt < maxPortAttempts;
      if (!retry) throw outcome.error;
    }
  } catch (error) {
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

type LaunchOutcome =
  | { kind: "running"; child: ChildProcess }
  | { kind: "port-taken"; error: RedisLaunchError }
  | { kind: "failed"; error: RedisLaunchError };

async function launchOnce(options: RedisLauncherOptions & { port: number; dir: string }): Promise<LaunchOutcome> {
  const binary = options.binary ?? "redis-server";
  const args = buildServerArgs({
    port: options.port,
    dir: options.dir,
    persistence: options.persistence ?? false,
    extraArgs: options.extraArgs ?? [],
  });
  // A missing binary surfaces here as ENOENT, before any probe.
  const { child, log, spawnError } = await spawnServer(binary, args, options.onLog);
  if (spawnError || child.pid === undefined) {
    return {
      kind: "failed",
      error: new RedisLaunchError(`could not run ${binary}: ${spawnError?.message ?? "no pid"}`, { cause: spawnError }),
    };
  }

  const ready = await waitUntilServing({
    port: options.port,
    pid: child.pid,
    timeoutMs: options.startTimeoutMs ?? 10_000,
    gaveUp: () => !isRunning(child),
  });
  if (ready) return { kind: "running", child };

  await stopChild(child, { graceMs: 500 });
  const logText = log.slice(-20).join("\n");
  if (/address already in use/i.test(logText)) {
    return {
      kind: "port-taken",
      error: new RedisLaunchError(`port ${options.port} is already in use`, { log: logText }),
    };
  }
  return {
    kind: "failed",
    error: new RedisLaunchError(`redis-server did not answer on port ${options.port}`, { log: logText }),
  };
}

function running(child: ChildProcess, port: number, dir: string, ownsDir: boolean, attempts: number): RunningRedis {
  const removeDir = () => {
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
  };
  // A synchronous last resort: if this process exits without calling stop(), nothing survives it.
  const unregister = onProcessExit(() => {
    child.kill("SIGKILL");
    removeDir();
  });
  let stopping: Promise<void> | undefined;
  return {
    host: "127.0.0.1",
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid as number,
    dir,
    attempts,
    stop() {
      stopping ??= (async () => {
        await stopChild(child);
        unregister();
        removeDir();
      })();
      return stopping;
    },
  };
}
