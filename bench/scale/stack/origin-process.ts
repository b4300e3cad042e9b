import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

export interface OriginProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `127.0.0.1:<port>`, as a tenant's originHosts entry. */
  host: string;
  stop(): Promise<void>;
}

/**
 * The test suite's origin server (test/helpers/node/origin-server.ts) in a process of its own:
 * warm plans fetch from it, and in the harness process it would share an event loop with the
 * gateway, so tenant A's warming would slow tenant B's Redis requests through the harness itself.
 */
export async function startOriginProcess(): Promise<OriginProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL("./origin-child.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const message = await new Promise<{ url: string; host: string }>((resolve, reject) => {
    const early = (code: number | null) => reject(new Error(`edge-cache bench: the origin process exited (${code}) before listening`));
    child.once("exit", early);
    child.once("message", (listening: { url: string; host: string }) => {
      child.off("exit", early);
      resolve(listening);
    });
  });
  return {
    url: message.url,
    host: message.host,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.disconnect();
      await exited;
    },
  };
}
