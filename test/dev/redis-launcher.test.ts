import { existsSync } from "node:fs";
import { createServer, type Server } from "node:net";
import getPort from "get-port";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { isRedisServerAvailable } from "../../dev/redis/availability.ts";
import { RedisLaunchError } from "../../dev/redis/errors.ts";
import { type RunningRedis, startRedis } from "../../dev/redis/launcher.ts";

const started: RunningRedis[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((redis) => redis.stop()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function launch(options?: Parameters<typeof startRedis>[0]): Promise<RunningRedis> {
  const redis = await startRedis(options);
  started.push(redis);
  return redis;
}

async function occupiedPort(): Promise<number> {
  const port = await getPort({ host: "127.0.0.1" });
  // Accepts and never answers, like a stranger's service on the port; reading lets it see the
  // probe hang up, so close() does not wait on it.
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

async function ping(url: string): Promise<string> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
    return await client.ping();
  } finally {
    client.disconnect();
  }
}

describe("redis launcher", () => {
  it("finds redis-server on PATH and reports a missing binary as unavailable", () => {
    expect(isRedisServerAvailable()).toBe(true);
    expect(isRedisServerAvailable("edge-cache-no-such-redis-server")).toBe(false);
  });

  it("starts redis-server on a free loopback port and waits until it answers PING", async () => {
    const redis = await launch();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await ping(redis.url)).toBe("PONG");
  });

  it("starts without persistence by default", async () => {
    const redis = await launch();
    const client = new Redis(redis.url);
    try {
      expect(await client.config("GET", "save")).toEqual(["save", ""]);
      expect(await client.config("GET", "appendonly")).toEqual(["appendonly", "no"]);
    } finally {
      client.disconnect();
    }
  });

  it("gives two launchers running at once different ports and separate data", async () => {
    const [first, second] = await Promise.all([launch(), launch()]);
    expect(first.port).not.toBe(second.port);
    const a = new Redis(first.url);
    const b = new Redis(second.url);
    try {
      await a.set("only-in-first", "1");
      expect(await b.exists("only-in-first")).toBe(0);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it("stops the server process and removes its temp directory", async () => {
    const redis = await launch();
    expect(isAlive(redis.pid)).toBe(true);
    expect(existsSync(redis.dir)).toBe(true);
    await redis.stop();
    expect(isAlive(redis.pid)).toBe(false);
    expect(existsSync(redis.dir)).toBe(false);
    await redis.stop();
  });

  it("tries another port when the picked one turns out to be taken", async () => {
    const taken = await occupiedPort();
    const picks = [taken];
    const redis = await launch({ pickPort: async () => picks.shift() ?? getPort({ host: "127.0.0.1" }) });
    expect(redis.attempts).toBe(2);
    expect(redis.port).not.toBe(taken);
    expect(await ping(redis.url)).toBe("PONG");
  });

  it("fails with RedisLaunchError when an explicitly requested port is taken", async () => {
    const taken = await occupiedPort();
    await expect(launch({ port: taken })).rejects.toThrow(RedisLaunchError);
  });

  it("fails with RedisLaunchError when the binary does not exist", async () => {
    await expect(launch({ binary: "edge-cache-no-such-redis-server" })).rejects.toThrow(/could not run/);
  });
});
