import { setTimeout as sleep } from "node:timers/promises";
import getPort from "get-port";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningMemcached, startMemcached } from "../../../../dev/memcached/launcher.ts";
import { SourceError } from "../../../../tools/migrate/source-error.ts";
import { MemcachedClient, type MemcachedClientOptions } from "../../../../tools/migrate/sources/memcached-client.ts";
import type { MetadumpEntry } from "../../../../tools/migrate/sources/memcached-metadump.ts";
import { memcachedKeyId } from "../../../../tools/migrate/sources/memcached-protocol.ts";
import { parseMemcachedUrl } from "../../../../tools/migrate/sources/memcached-url.ts";
import { metaSet } from "./memcached-seed.ts";

let memcached: RunningMemcached;
const clients: MemcachedClient[] = [];

// A server per test: a dump lists everything the server holds.
beforeEach(async () => {
  memcached = await startMemcached();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((each) => each.close()));
  await memcached.stop();
});

async function connect(options: MemcachedClientOptions = {}): Promise<MemcachedClient> {
  const client = await MemcachedClient.connect(parseMemcachedUrl(memcached.url), options);
  clients.push(client);
  return client;
}

async function dump(client: MemcachedClient): Promise<MetadumpEntry[]> {
  const entries: MetadumpEntry[] = [];
  for await (const entry of client.metadump()) entries.push(entry);
  return entries;
}

describe("memcached client", () => {
  it("stores and multi-gets values byte for byte, with their flags", async () => {
    const client = await connect();
    const binary = Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0x45, 0x4e, 0x44, 0x0d, 0x0a]);
    await client.set("bin", binary, { flags: 8 });
    await client.set("text", "hello", { flags: 16 });
    await client.set("empty", "");

    const found = await client.getMany([Buffer.from("bin"), Buffer.from("missing"), Buffer.from("text"), Buffer.from("empty")]);

    expect([...found.keys()].sort()).toEqual(["bin", "empty", "text"]);
    expect(found.get("bin")?.value.equals(binary)).toBe(true);
    expect(found.get("bin")?.flags).toBe(8);
    expect(found.get("text")).toEqual({ value: Buffer.from("hello"), flags: 16 });
    expect(found.get("empty")?.value.length).toBe(0);
  });

  it("meta-gets any key, binary ones included, with the seconds it has left", async () => {
    const client = await connect();
    const odd = Buffer.from("key with spaces\x01");
    await metaSet(memcached.port, odd, Buffer.from("odd"), { flags: 7, ttlSeconds: 100 });
    await client.set("forever", "f", { flags: 2 });

    const [oddValue, missing, forever] = await client.metaGetMany([odd, Buffer.from("missing"), Buffer.from("forever")]);

    expect(oddValue?.value.toString()).toBe("odd");
    expect(oddValue?.flags).toBe(7);
    expect(oddValue?.ttlSeconds).toBeGreaterThan(95);
    expect(missing).toBeUndefined();
    expect(forever).toEqual({ value: Buffer.from("f"), flags: 2, ttlSeconds: undefined });
  });

  it("dumps every key, URL-decoded to its bytes, with its expiry time", async () => {
    const client = await connect();
    const keys = ["plain", "café:%/x", "a+b=c&d"];
    for (const key of keys) await client.set(key, "v");
    const odd = Buffer.from("sp ace\x7f");
    await metaSet(memcached.port, odd, Buffer.from("v"), { ttlSeconds: 500 });
    const now = Math.floor(Date.now() / 1000);

    const entries = await dump(client);

    const byKey = new Map(entries.map((entry) => [memcachedKeyId(entry.key), entry]));
    expect([...byKey.keys()].sort()).toEqual([...keys.map((key) => memcachedKeyId(Buffer.from(key))), memcachedKeyId(odd)].sort());
    expect(byKey.get("plain")?.exp).toBeUndefined();
    expect(byKey.get(memcachedKeyId(odd))?.exp).toBeGreaterThanOrEqual(now + 498);
    expect(byKey.get("plain")?.size).toBeGreaterThan(0);
    // The connection is usable again once the dump has ended.
    expect((await client.stats()).curr_items).toBe("4");
  });

  it("streams a dump of thousands of keys, reading only as fast as they are consumed", async () => {
    const seeder = await connect();
    const count = 4000;
    const prefix = "k".repeat(200);
    for (let i = 0; i < count; i++) await seeder.set(`${prefix}:${i}`, "v");
    const client = await connect({ highWaterMarkBytes: 64 * 1024 });

    const entries = client.metadump()[Symbol.asyncIterator]();
    const first = await entries.next();
    await sleep(200);
    const readWhilePaused = client.bytesRead;
    let seen = first.done ? 0 : 1;
    while (!(await entries.next()).done) seen++;

    expect(seen).toBe(count);
    // The dump is about 1 MB; while nobody read, the socket stayed paused near the mark.
    expect(client.bytesRead).toBeGreaterThan(1_000_000);
    expect(readWhilePaused).toBeLessThan(300_000);
  });

  it("closes the connection when a dump is left early, and says so to the next request", async () => {
    const client = await connect();
    for (let i = 0; i < 10; i++) await client.set(`k${i}`, "v");
    for await (const _ of client.metadump()) break;
    await expect(client.stats()).rejects.toThrow(SourceError);
  });

  it("names the address when the server cannot be reached", async () => {
    const port = await getPort({ host: "127.0.0.1" });
    const error = await MemcachedClient.connect(parseMemcachedUrl(`memcached://127.0.0.1:${port}`)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot reach memcached://127\\.0\\.0\\.1:${port}: connect ECONNREFUSED`));
  });

  it("refuses URLs with credentials or a path", () => {
    expect(() => parseMemcachedUrl("memcached://user:pw@host:11211")).toThrow(/takes no user or password/);
    expect(() => parseMemcachedUrl("memcached://host/0")).toThrow(/only a host and a port/);
    expect(parseMemcachedUrl("memcached://[::1]")).toEqual({ host: "::1", port: 11211, description: "memcached://[::1]:11211" });
  });
});
