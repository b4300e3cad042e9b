import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { LoadJob, LoadMessage, LoadResult } from "./load-types.ts";

export interface LoadGenerator {
  run(job: Omit<LoadJob, "id">): Promise<LoadResult>;
  stop(): Promise<void>;
}

/**
 * Starts the load process once; runs are sent to it one at a time. Forked with tsx's loader so
 * it runs the TypeScript source as the harness does.
 */
export function startLoadGenerator(repoRoot: string): LoadGenerator {
  const child: ChildProcess = fork(fileURLToPath(new URL("./load-child.ts", import.meta.url)), [], {
    cwd: repoRoot,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let nextId = 1;
  const waiting = new Map<number, { resolve: (result: LoadResult) => void; reject: (error: Error) => void }>();
  child.on("message", (message: LoadMessage) => {
    const waiter = waiting.get(message.id);
    waiting.delete(message.id);
    if (!waiter) return;
    if ("error" in message) waiter.reject(new Error(`edge-cache bench: load run failed: ${message.error}`));
    else waiter.resolve(message.result);
  });
  child.on("exit", (code) => {
    for (const waiter of waiting.values()) waiter.reject(new Error(`edge-cache bench: load process exited (${code})`));
    waiting.clear();
  });
  return {
    run(job) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ ...job, id } satisfies LoadJob);
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.disconnect();
      await exited;
    },
  };
}
