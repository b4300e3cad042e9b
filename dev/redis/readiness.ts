import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";

export interface ReadinessProbe {
  port: number;
  /** The pid of the redis-server we started: a reply from any other process is not readiness. */
  pid: number;
  /** Stops waiting early, e.g. once the child has exited. */
  gaveUp: () => boolean;
  timeoutMs: number;
}

/**
 * Resolves true once the redis-server with `pid` answers on `port`, false if it gave up or timed
 * out. Checking the pid in INFO guards against a port race: another server that grabbed the port
 * between picking it and binding it would also answer PING.
 */
export async function waitUntilServing(probe: ReadinessProbe): Promise<boolean> {
  const deadline = Date.now() + probe.timeoutMs;
  while (Date.now() < deadline && !probe.gaveUp()) {
    const pid = await serverPid(probe.port);
    if (pid === probe.pid) return true;
    await sleep(25);
  }
  return false;
}

async function serverPid(port: number): Promise<number | undefined> {
  const client = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    connectTimeout: 500,
    // Whatever holds the port may accept and never answer; the probe must not wait on it.
    commandTimeout: 500,
    enableReadyCheck: false,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    protocol: 2,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const info = await client.info("server");
    const match = /^process_id:(\d+)/m.exec(info);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}
