import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";

export interface SpawnedServer {
  child: ChildProcess;
  /** Every line the process wrote to stdout or stderr so far (and on), for error messages. */
  log: string[];
  /** Why it could not start (a missing binary: ENOENT); then `child.pid` is undefined. */
  spawnError: Error | undefined;
}

/** Starts a local server process, collecting its output lines, and resolves once it has a pid or failed to start. */
export async function spawnServer(binary: string, args: readonly string[], onLog?: (line: string) => void): Promise<SpawnedServer> {
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  const log: string[] = [];
  const collect = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (line.trim() === "") continue;
      log.push(line);
      onLog?.(line);
    }
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  await Promise.race([once(child, "spawn"), once(child, "error")]).catch(() => {});
  return { child, log, spawnError };
}
