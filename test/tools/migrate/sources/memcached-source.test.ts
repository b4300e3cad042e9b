import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type RunningMemcached, startMemcached } from "../../../../dev/memcached/launcher.ts";
import type { Source, SourcePage } from "../../../../tools/migrate/source-record.ts";
import { MemcachedClient } from "../../../../tools/migrate/sources/memcached-client.ts";
import { createMemcachedSource } from "../../../../tools/migrate/sources/memcached-source.ts";
import { parseMemcachedUrl } from "../../../../tools/migrate/sources/memcached-url.ts";
import { type InterceptingProxy, startInterceptingProxy } from "./intercepting-proxy.ts";
import { metaSet } from "./memcached-seed.ts";

let memcached: RunningMemcached;
let seed: MemcachedClient;
const opened: Source[] = [];
const proxies: InterceptingProxy[] = [];

// A server per test: a dump lists everything the server holds.
beforeEach(async () => {
  memcached = await startMemcached();
  seed = await MemcachedClient.connect(parseMemcachedUrl(memcached.url));
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((source) => source.close()));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
  await seed.close();
  await memcached.stop();
});

async function open(url = memcached.url): Promise<Source> {
  const source = await createMemcachedSource({ url });
  opened.push(source);
  return source;
}

async function allPages(source: Source): Promise<SourcePage[]> {
  const pages: SourcePage[] = [];
  for await (const page of source.pages("0")) pages.push(page);
  return pages;
}

describe("memcached source", () => {
  it("pages through every key, 500 at a time, with values and flags", async () => {
    // Long keys make a multi-get line of ~60 KB, far past memcached's 2 KB line buffer.
    const keys = Array.from({ length: 1200 }, (_, i) => `${"legacy-report:".repeat(8)}${i}`);
    for (const [i, key] of keys.entries()) await seed.set(key, `value ${i}`, { flags: i % 2 === 0 ? 16 : 1 });
    const source = await open();

    const pages = await allPages(source);

    expect(pages.map((page) => [page.records.length, page.cursor, page.done])).toEqual([
      [500, "500", false],
      [500, "1000", false],
      [200, "1200", true],
    ]);
    const records = new Map(pages.flatMap((page) => page.records).map((record) => [record.key.toString(), record]));
    expect(records.size).toBe(1200);
    expect(records.get(keys[7] as string)).toEqual({
      key: Buffer.from(keys[7] as string),
      type: "string",
      value: Buffer.from("value 7"),
      flags: 1,
      ttlMs: undefined,
    });
    expect(records.get(keys[8] as string)?.flags).toBe(16);
    expect(await source.estimateTotal()).toBe(1200);
    expect(source.resume).toBe("keys");
  });

  it("gives each key the lifetime its dump entry has left", async () => {
    await seed.set("short", "s", { exptime: 100 });
    await seed.set("forever", "f");
    await metaSet(memcached.port, Buffer.from("odd key\x01"), Buffer.from("o"), { ttlSeconds: 200 });
    const source = await open();

    const records = new Map(
      (await allPages(source)).flatMap((page) => page.records).map((record) => [record.key.toString("latin1"), record]),
    );

    expect(records.get("short")?.ttlMs).toBeGreaterThan(97_000);
    expect(records.get("short")?.ttlMs).toBeLessThanOrEqual(101_000);
    expect(records.get("forever")?.ttlMs).toBeUndefined();
    // A key the text protocol cannot name is read through meta get instead.
    expect(records.get("odd key\x01")?.value?.toString()).toBe("o");
    expect(records.get("odd key\x01")?.ttlMs).toBeGreaterThan(195_000);
  });

  it("leaves out a key the dump listed but that was gone by the get", async () => {
    await seed.set("stays", "1");
    await seed.set("vanishes", "2");
    let listed = false;
    const proxy = await startInterceptingProxy(memcached.port, async (request, reply) => {
      if (!request.startsWith("lru_crawler metadump") || listed) return;
      listed = reply.includes("key=vanishes ");
      await seed.delete("vanishes");
    });
    proxies.push(proxy);

    const pages = await allPages(await open(`memcached://127.0.0.1:${proxy.port}`));

    expect(listed).toBe(true);
    expect(pages).toEqual([{ records: [expect.objectContaining({ key: Buffer.from("stays") })], cursor: "2", done: true }]);
  });

  it("starts over whatever resume point it is given, since a dump has no cursor", async () => {
    for (let i = 0; i < 3; i++) await seed.set(`k${i}`, "v");
    const source = await open();

    const pages: SourcePage[] = [];
    for await (const page of source.pages("2")) pages.push(page);

    expect(pages.flatMap((page) => page.records)).toHaveLength(3);
  });

  it("reads given keys with the lifetime they have left, undefined for missing ones", async () => {
    await seed.set("k", "v", { flags: 4, exptime: 50 });
    const source = await open();

    const [found, missing] = await source.read([Buffer.from("k"), Buffer.from("nope")]);

    expect(found).toMatchObject({ type: "string", value: Buffer.from("v"), flags: 4 });
    expect(found?.ttlMs).toBeGreaterThan(45_000);
    expect(missing).toBeUndefined();
  });

  it("yields one empty, final page for an empty server", async () => {
    expect(await allPages(await open())).toEqual([{ records: [], cursor: "0", done: true }]);
  });
});
