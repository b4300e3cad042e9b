import getPort from "get-port";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type RunningRedis, startRedis } from "../../../../dev/redis/launcher.ts";
import { SourceError } from "../../../../tools/migrate/source-error.ts";
import type { Source, SourcePage, SourceRecord } from "../../../../tools/migrate/source-record.ts";
import { createRedisSource, type RedisSourceOptions } from "../../../../tools/migrate/sources/redis-source.ts";
import { type InterceptingProxy, startInterceptingProxy } from "./intercepting-proxy.ts";

let redis: RunningRedis;
let seed: Redis;
const opened: Source[] = [];
const proxies: InterceptingProxy[] = [];

beforeAll(async () => {
  redis = await startRedis();
  seed = new Redis(redis.url);
});

afterAll(async () => {
  seed.disconnect();
  await redis.stop();
});

beforeEach(async () => {
  await seed.flushall();
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((source) => source.close()));
  await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
});

async function open(options: Partial<RedisSourceOptions> = {}): Promise<Source> {
  const source = await createRedisSource({ url: redis.url, ...options });
  opened.push(source);
  return source;
}

async function allPages(source: Source, from = "0"): Promise<SourcePage[]> {
  const pages: SourcePage[] = [];
  for await (const page of source.pages(from)) pages.push(page);
  return pages;
}

async function allRecords(source: Source): Promise<Map<string, SourceRecord>> {
  const records = new Map<string, SourceRecord>();
  for (const page of await allPages(source)) for (const record of page.records) records.set(record.key.toString("latin1"), record);
  return records;
}

function text(record: SourceRecord | undefined): string | undefined {
  return record?.value?.toString("utf8");
}

describe("redis source", () => {
  it("reads strings byte for byte, binary keys and values included, with their lifetimes", async () => {
    const binaryKey = Buffer.from([0x00, 0xff, 0x80, 0x3a, 0x0a]);
    const binaryValue = Buffer.from(Array.from({ length: 1024 }, (_, i) => (i * 37) % 256));
    await seed.set("plain", "hello");
    await seed.set(binaryKey, binaryValue, "PX", 60_000);

    const records = await allRecords(await open());

    expect(records.size).toBe(2);
    expect(records.get("plain")).toEqual({ key: Buffer.from("plain"), type: "string", value: Buffer.from("hello"), ttlMs: undefined });
    const binary = records.get(binaryKey.toString("latin1"));
    expect(binary?.key.equals(binaryKey)).toBe(true);
    expect(binary?.value?.equals(binaryValue)).toBe(true);
    expect(binary?.ttlMs).toBeGreaterThan(55_000);
    expect(binary?.ttlMs).toBeLessThanOrEqual(60_000);
  });

  it("reports structures by type without reading them when conversion is off", async () => {
    await seed.hset("h", "f", "v");
    await seed.rpush("l", "a");
    await seed.sadd("s", "a");
    await seed.zadd("z", 1, "a");
    await seed.xadd("x", "*", "f", "v");
    await seed.pexpire("h", 30_000);

    const records = await allRecords(await open());

    expect(
      [...records.values()]
        .map(({ key, type, value, skipReason }) => ({ key: key.toString(), type, value, skipReason }))
        .sort((a, b) => a.key.localeCompare(b.key)),
    ).toEqual([
      { key: "h", type: "hash", value: undefined, skipReason: undefined },
      { key: "l", type: "list", value: undefined, skipReason: undefined },
      { key: "s", type: "set", value: undefined, skipReason: undefined },
      { key: "x", type: "other", value: undefined, skipReason: undefined },
      { key: "z", type: "zset", value: undefined, skipReason: undefined },
    ]);
    expect(records.get("h")?.ttlMs).toBeGreaterThan(25_000);
  });

  it("converts hashes, lists, sets and sorted sets to JSON with convert: json", async () => {
    // Integer-like fields and "__proto__" would be reordered or lost by building an object.
    await seed.hset("h", "b", "w", "10", "x", "2", "y", "__proto__", "z");
    await seed.rpush("l", "c", "a", "b", "a");
    await seed.sadd("s", "pear", "apple", "fig");
    await seed.zadd("z", 2.5, "b", 1, "a", -3, "c");
    await seed.xadd("x", "*", "f", "v");

    const records = await allRecords(await open({ convert: "json" }));

    expect(text(records.get("h"))).toBe('{"10":"x","2":"y","__proto__":"z","b":"w"}');
    expect(text(records.get("l"))).toBe('["c","a","b","a"]');
    expect(text(records.get("s"))).toBe('["apple","fig","pear"]');
    expect(text(records.get("z"))).toBe('[["c",-3],["a",1],["b",2.5]]');
    expect(records.get("x")).toMatchObject({ type: "other", value: undefined });
    expect(records.get("h")?.type).toBe("hash");
  });

  it("skips a structure it cannot convert, saying why", async () => {
    await seed.sadd("set", Buffer.from([0x61, 0xff]));
    await seed.hset("hash", "field", Buffer.from([0xc3]));
    await seed.rpush("list", Buffer.from([0x80]));
    await seed.zadd("zset", "+inf", "top");

    const records = await allRecords(await open({ convert: "json" }));

    expect(records.get("set")).toMatchObject({ type: "set", value: undefined, skipReason: "set members are not UTF-8" });
    expect(records.get("hash")).toMatchObject({ type: "hash", value: undefined, skipReason: "hash fields or values are not UTF-8" });
    expect(records.get("list")).toMatchObject({ type: "list", value: undefined, skipReason: "list elements are not UTF-8" });
    expect(records.get("zset")?.skipReason).toMatch(/inf/);
  });

  it("leaves out a key deleted between SCAN listing it and reading it", async () => {
    await seed.set("stays", "1");
    await seed.set("vanishes", "2");
    await seed.hset("vanishing-hash", "f", "v");
    let listed = false;
    const proxy = await startInterceptingProxy(redis.port, async (request, reply) => {
      if (!/scan/i.test(request) || listed) return;
      listed = reply.includes("vanishes") && reply.includes("vanishing-hash");
      await seed.del("vanishes", "vanishing-hash");
    });
    proxies.push(proxy);

    const pages = await allPages(await open({ url: `redis://127.0.0.1:${proxy.port}`, convert: "json" }));

    expect(listed).toBe(true);
    expect(pages.flatMap((page) => page.records.map((record) => record.key.toString()))).toEqual(["stays"]);
  });

  it("resumes after a page's cursor with the keys that page had not reached", async () => {
    const all = Array.from({ length: 3000 }, (_, i) => `key:${i}`);
    await seed.mset(Object.fromEntries(all.map((key) => [key, "v"])));
    const source = await open({ count: 100 });

    let first: SourcePage | undefined;
    for await (const page of source.pages("0")) {
      first = page;
      break;
    }
    expect(first?.done).toBe(false);
    expect(first?.records.length).toBeGreaterThan(0);
    const rest = await allPages(source, first?.cursor);

    const seen = new Set([...(first?.records ?? []), ...rest.flatMap((page) => page.records)].map((record) => record.key.toString()));
    expect(seen).toEqual(new Set(all));
    const resumed = new Set(rest.flatMap((page) => page.records.map((record) => record.key.toString())));
    expect(resumed.size).toBeLessThan(all.length);
    expect(rest.at(-1)).toMatchObject({ done: true, cursor: "0" });
    expect(rest.slice(0, -1).every((page) => !page.done)).toBe(true);
  });

  it("reads only keys that match, and one empty page from an empty database", async () => {
    await seed.mset({ "a:1": "1", "a:2": "2", "b:1": "3" });

    const matched = await allRecords(await open({ match: "a:*" }));
    expect([...matched.keys()].sort()).toEqual(["a:1", "a:2"]);

    await seed.flushall();
    expect(await allPages(await open())).toEqual([{ records: [], cursor: "0", done: true }]);
  });

  it("reads the database the URL names, and counts it with DBSIZE", async () => {
    await seed.set("in-0", "zero");
    await seed.select(3);
    await seed.mset({ "in-3": "three", "also-3": "three" });
    await seed.select(0);

    const source = await open({ url: `${redis.url}/3` });

    expect([...(await allRecords(source)).keys()].sort()).toEqual(["also-3", "in-3"]);
    expect(await source.estimateTotal()).toBe(2);
    expect(source.description).toBe(`${redis.url}/3`);
    expect(source.identity).toBe(`redis://127.0.0.1:${redis.port}/3 match=*`);
  });

  it("reads given keys as they are now, undefined for keys that are gone", async () => {
    await seed.set("s", "now", "EX", 100);
    await seed.rpush("l", "x", "y");
    const source = await open({ convert: "json" });

    const [string, gone, list] = await source.read([Buffer.from("s"), Buffer.from("gone"), Buffer.from("l")]);

    expect(text(string)).toBe("now");
    expect(string?.ttlMs).toBeGreaterThan(95_000);
    expect(gone).toBeUndefined();
    expect(list).toMatchObject({ type: "list", ttlMs: undefined });
    expect(text(list)).toBe('["x","y"]');
  });

  it("reports an unreachable server at once, naming the URL without its password", async () => {
    const port = await getPort({ host: "127.0.0.1" });
    const started = Date.now();

    const error = await createRedisSource({ url: `redis://reader:s3cret@127.0.0.1:${port}/2` }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot reach redis://reader@127\\.0\\.0\\.1:${port}/2: connect ECONNREFUSED`));
    expect((error as Error).message).not.toContain("s3cret");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("says the server refused a wrong password, without repeating it", async () => {
    await seed.call("ACL", "SETUSER", "reader", "on", ">right-one", "~*", "+@read");
    try {
      const error = await createRedisSource({ url: `redis://reader:wrong-one@127.0.0.1:${redis.port}` }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SourceError);
      expect((error as Error).message).toMatch(
        new RegExp(`^redis://reader@127\\.0\\.0\\.1:${redis.port} refused the connection: WRONGPASS`),
      );
      expect((error as Error).message).not.toContain("wrong-one");
    } finally {
      await seed.call("ACL", "DELUSER", "reader");
    }
  });

  it("fails a page with a SourceError once the server is gone, instead of reconnecting forever", async () => {
    await seed.mset(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, "v"])));
    const proxy = await startInterceptingProxy(redis.port);
    const source = await open({ url: `redis://127.0.0.1:${proxy.port}`, count: 10 });
    const pages = source.pages("0")[Symbol.asyncIterator]();
    await pages.next();
    await proxy.close();
    const started = Date.now();

    const error = await pages.next().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toContain(`redis://127.0.0.1:${proxy.port}`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("refuses a cursor that is not a SCAN cursor", async () => {
    const source = await open();
    await expect(allPages(source, "line-3")).rejects.toThrow(/"line-3" is not a SCAN cursor/);
  });
});
