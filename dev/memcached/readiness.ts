import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface MemcachedReadinessProbe {
  port: number;
  /** The pid of the memcached we started: an answer from any other process is not readiness. */
  pid: number;
  /** Stops waiting early, e.g. once the child has exited. */
  gaveUp: () => boolean;
  timeoutMs: number;
}

/**
 * Resolves true once the memcached with `pid` answers on `port`, false if it gave up or timed
 * out. The pid in `stats` guards against a port race: another server that grabbed the port
 * between picking it and binding it would answer too.
 */
export async function waitUntilMemcachedServes(probe: MemcachedReadinessProbe): Promise<boolean> {
  const deadline = Date.now() + probe.timeoutMs;
  while (Date.now() < deadline && !probe.gaveUp()) {
    if ((await serverPid(probe.port)) === probe.pid) return true;
    await sleep(25);
  }
  return false;
}

function serverPid(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    let reply = "";
    const finish = (pid: number | undefined) => {
      socket.destroy();
      resolve(pid);
    };
    // Whatever holds the port may accept and never answer; the probe must not wait on it.
    socket.setTimeout(500, () => finish(undefined));
    socket.once("error", () => finish(undefined));
    socket.once("connect", () => socket.write("stats\r\n"));
    socket.on("data", (chunk: Buffer) => {
      reply += chunk.toString("latin1");
      if (!reply.endsWith("END\r\n")) return;
      const match = /^STAT pid (\d+)\r$/m.exec(reply);
      finish(match ? Number(match[1]) : undefined);
    });
  });
}
