import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningRedis, startRedis } from "../../../dev/redis/launcher.ts";

/**
 * redis-server with an append-only file fsynced on every write, so a write Redis acknowledged
 * survives SIGKILL: without it a restart starts empty, and "no acknowledged write lost" could
 * only fail. Killed with SIGKILL (a crash, no shutdown save) and restarted on the same port and
 * directory, so the gateway's address stays valid and the file is replayed.
 */
export interface RestartableRedis {
  url: string;
  port: number;
  readonly running: boolean;
  /** SIGKILL, then waits for the process to be gone. */
  kill(): Promise<void>;
  /** Starts again on the same port and directory; resolves once it answers. */
  restart(): Promise<void>;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

const PERSISTENCE_ARGS = ["--appendfsync", "always"];

export async function startPersistentRedis(): Promise<RestartableRedis> {
  const dir = mkdtempSync(join(tmpdir(), "edge-cache-chaos-redis-"));
  let current: RunningRedis | undefined = await startRedis({ dir, persistence: true, extraArgs: PERSISTENCE_ARGS });
  const port = current.port;
  return {
    url: current.url,
    port,
    get running() {
      return current !== undefined;
    },
    async kill() {
      if (!current) return;
      const killed = current;
      current = undefined;
      process.kill(killed.pid, "SIGKILL");
      // The launcher's stop() waits for the exit and leaves a directory it did not create.
      await killed.stop();
    },
    async restart() {
      if (current) return;
      current = await startRedis({ port, dir, persistence: true, extraArgs: PERSISTENCE_ARGS });
    },
    async stop() {
      await current?.stop();
      current = undefined;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
