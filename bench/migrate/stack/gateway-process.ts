import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { onProcessExit } from "../../../dev/process-cleanup.ts";

export interface GatewayProcess {
  /** UPSTASH_REDIS_REST_URL */
  url: string;
  /** UPSTASH_REDIS_REST_TOKEN */
  token: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The gateway in a process of its own rather than in the harness (as dev/stack.ts runs it): its
 * CPU is then read apart from the harness's and the other processes', so the report can tell
 * whether the gateway (which stands in for Upstash) is what limits the copy.
 */
export async function startGatewayProcess(redisUrl: string): Promise<GatewayProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL("./gateway-child.ts", import.meta.url)), [redisUrl], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const unregister = onProcessExit(() => child.kill("SIGKILL"));
  const message = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    const early = (code: number | null) => reject(new Error(`edge-cache bench: the gateway process exited (${code}) before listening`));
    child.once("exit", early);
    child.once("message", (listening: { url: string; token: string }) => {
      child.off("exit", early);
      resolve(listening);
    });
  });
  return {
    ...message,
    pid: child.pid as number,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, "exit");
        child.disconnect();
        await exited;
      }
      unregister();
    },
  };
}
