import { createServer, type Server } from "node:net";
import getPort from "get-port";
import { afterEach, describe, expect, it } from "vitest";
import { isMemcachedAvailable } from "../../../../dev/memcached/availability.ts";
import { MemcachedLaunchError } from "../../../../dev/memcached/errors.ts";
import { type RunningMemcached, startMemcached } from "../../../../dev/memcached/launcher.ts";
import { MemcachedClient } from "../../../../tools/migrate/sources/memcached-client.ts";
import { parseMemcachedUrl } from "../../../../tools/migrate/sources/memcached-url.ts";

const started: RunningMemcached[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((memcached) => memcached.stop()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function launch(options?: Parameters<typeof startMemcached>[0]): Promise<RunningMemcached> {
  const memcached = await startMemcached(options);
  started.push(memcached);
  return memcached;
}

async function occupiedPort(): Promise<number> {
  const port = await getPort({ host: "127.0.0.1" });
  const server = createServer((socket) => socket.resume());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return port;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function serverStats(url: string): Promise<Record<string, string>> {
  const client = await MemcachedClient.connect(parseMemcachedUrl(url));
  try {
    return await client.stats();
  } finally {
    await client.close();
  }
}

describe("memcached launcher", () => {
  it("finds memcached on PATH and reports a missing binary as unavailable", () => {
    expect(isMemcachedAvailable()).toBe(true);
    expect(isMemcachedAvailable("edge-cache-no-such-memcached")).toBe(false);
  });

  it("starts memcached on a free loopback port, TCP only, and stops it", async () => {
    const memcached = await launch();
    expect(memcached.url).toBe(`memcached://127.0.0.1:${memcached.port}`);
    const stats = await serverStats(memcached.url);
    expect(stats.pid).toBe(String(memcached.pid));
    expect(stats.limit_maxbytes).toBe(String(256 * 1024 * 1024));

    await memcached.stop();
    await memcached.stop();
    expect(isAlive(memcached.pid)).toBe(false);
  });

  it("tries another port when the one it picked is taken", async () => {
    const taken = await occupiedPort();
    const free = await getPort({ host: "127.0.0.1" });
    const ports = [taken, free];
    const memcached = await launch({ pickPort: async () => ports.shift() ?? getPort({ host: "127.0.0.1" }) });
    expect(memcached.port).toBe(free);
    expect(memcached.attempts).toBe(2);
  });

  it("fails with the reason when an explicit port is taken", async () => {
    const taken = await occupiedPort();
    const error = await launch({ port: taken }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MemcachedLaunchError);
    expect((error as Error).message).toMatch(`port ${taken} is already in use`);
  });

  it("reports a binary that cannot be run", async () => {
    await expect(launch({ binary: "edge-cache-no-such-memcached" })).rejects.toThrow(
      /could not run edge-cache-no-such-memcached: spawn .* ENOENT/,
    );
  });
});
