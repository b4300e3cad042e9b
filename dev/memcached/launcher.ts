import type { ChildProcess } from "node:child_process";
import getPort from "get-port";
import { isRunning, stopChild } from "../child-process.ts";
import { onProcessExit } from "../process-cleanup.ts";
import { spawnServer } from "../spawn-server.ts";
import { MemcachedLaunchError } from "./errors.ts";
import { waitUntilMemcachedServes } from "./readiness.ts";

/** How to start memcached; every option has a default that suits tests. */
export interface MemcachedLauncherOptions {
  /** Executable to run, looked up on PATH unless it contains a slash. @default "memcached" */
  binary?: string;
  /**
   * TCP port on 127.0.0.1. With 0 a free port is picked, and another one when memcached finds it
   * taken by the time it binds. An explicit port is never swapped for another.
   * @default 0
   */
  port?: number;
  /** Item memory in megabytes (`-m`). @default 256 */
  memoryMb?: number;
  /** More memcached arguments, e.g. `["-I", "2m"]`. @default [] */
  extraArgs?: readonly string[];
  /** How long to wait for the server to answer. @default 10_000 */
  startTimeoutMs?: number;
  /** Starts attempted when picked ports turn out to be taken. @default 5 */
  maxPortAttempts?: number;
  /** Receives each line memcached logs. @default lines are kept only for error messages */
  onLog?: (line: string) => void;
  /** Chooses a free port; replaceable so tests can force a collision. @default get-port on 127.0.0.1 */
  pickPort?: () => Promise<number>;
}

/** A memcached started by startMemcached, until stop(). */
export interface RunningMemcached {
  host: "127.0.0.1";
  port: number;
  /** `memcached://127.0.0.1:<port>` */
  url: string;
  pid: number;
  /** How many starts it took (more than one after a port collision). */
  attempts: number;
  /** Stops the server. Safe to call twice. */
  stop(): Promise<void>;
}

const defaultPickPort = () => getPort({ host: "127.0.0.1" });

/** Starts Debian's memcached on loopback (TCP only, no UDP) and resolves once it answers. */
export async function startMemcached(options: MemcachedLauncherOptions = {}): Promise<RunningMemcached> {
  const { port = 0, maxPortAttempts = 5, pickPort = defaultPickPort } = options;
  for (let attempt = 1; ; attempt++) {
    const chosenPort = port === 0 ? await pickPort() : port;
    const outcome = await launchOnce({ ...options, port: chosenPort });
    if (outcome.kind === "running") return running(outcome.child, chosenPort, attempt);
    const retry = outcome.kind === "port-taken" && port === 0 && attempt < maxPortAttempts;
    if (!retry) throw outcome.error;
  }
}

/** memcached's command line: loopback only, no UDP (an amplification risk, and unused here). */
export function memcachedArgs(options: { port: number; memoryMb: number; extraArgs: readonly string[] }): string[] {
  // memcached refuses to run as root unless told which user to be; in a container that is root.
  const user = process.getuid?.() === 0 ? ["-u", "root"] : [];
  return ["-l", "127.0.0.1", "-p", String(options.port), "-U", "0", "-m", String(options.memoryMb), ...user, ...options.extraArgs];
}

type LaunchOutcome =
  | { kind: "running"; child: ChildProcess }
  | { kind: "port-taken"; error: MemcachedLaunchError }
  | { kind: "failed"; error: MemcachedLaunchError };

async function launchOnce(options: MemcachedLauncherOptions & { port: number }): Promise<LaunchOutcome> {
  const binary = options.binary ?? "memcached";
  const args = memcachedArgs({ port: options.port, memoryMb: options.memoryMb ?? 256, extraArgs: options.extraArgs ?? [] });
  // A missing binary surfaces here as ENOENT, before any probe.
  const { child, log, spawnError } = await spawnServer(binary, args, options.onLog);
  if (spawnError || child.pid === undefined) {
    return {
      kind: "failed",
      error: new MemcachedLaunchError(`could not run ${binary}: ${spawnError?.message ?? "no pid"}`, { cause: spawnError }),
    };
  }

  const ready = await waitUntilMemcachedServes({
    port: options.port,
    pid: child.pid,
    timeoutMs: options.startTimeoutMs ?? 10_000,
    gaveUp: () => !isRunning(child),
  });
  if (ready) return { kind: "running", child };

  await stopChild(child, { graceMs: 500 });
  const logText = log.slice(-20).join("\n");
  if (/address already in use/i.test(logText)) {
    return { kind: "port-taken", error: new MemcachedLaunchError(`port ${options.port} is already in use`, { log: logText }) };
  }
  return { kind: "failed", error: new MemcachedLaunchError(`memcached did not answer on port ${options.port}`, { log: logText }) };
}

function running(child: ChildProcess, port: number, attempts: number): RunningMemcached {
  // A synchronous last resort: if this process exits without calling stop(), nothing survives it.
  const unregister = onProcessExit(() => child.kill("SIGKILL"));
  let stopping: Promise<void> | undefined;
  return {
    host: "127.0.0.1",
    port,
    url: `memcached://127.0.0.1:${port}`,
    pid: child.pid as number,
    attempts,
    stop() {
      stopping ??= (async () => {
        // memcached takes a second over a graceful stop and holds nothing in it worth saving.
        await stopChild(child, { graceMs: 0 });
        unregister();
      })();
      return stopping;
    },
  };
}
