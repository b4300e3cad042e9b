import type { Redis } from "@upstash/redis/cloudflare";
import { afterEach, describe, expect, it } from "vitest";
import { createGatewayControl, type GatewayControl } from "../helpers/worker/gateway-control.js";

/** Client settings the suite varies; everything else stays at the SDK's defaults. */
export interface ClientSettings {
  url: string;
  token: string;
  automaticDeserialization?: boolean;
}

/** One runtime's way to reach the gateway: Node's SDK entry, or the Workers entry in workerd. */
export interface ConformanceTarget {
  url: string;
  token: string;
  controlUrl: string;
  controlToken: string;
  createRedis(settings: ClientSettings): Redis;
  /** The SDK's UpstashError class as this runtime loads it. */
  UpstashError: abstract new (
    ...args: never[]
  ) => Error;
}

/**
 * The unmodified SDK, default options, against the gateway and a real redis-server: what the
 * cache relies on, checked from every runtime the cache runs in. Each test writes under a random
 * key prefix and removes its keys afterwards.
 */
export function describeGatewayConformance(runtime: string, target: ConformanceTarget): void {
  const redis = target.createRedis({ url: target.url, token: target.token });
  const rawRedis = target.createRedis({ url: target.url, token: target.token, automaticDeserialization: false });
  const control = createGatewayControl({ controlUrl: target.controlUrl, controlToken: target.controlToken });
  let prefix = "";
  const key = (name: string) => `${prefix}${name}`;
  const freshPrefix = () => {
    prefix = `conformance:${runtime}:${crypto.randomUUID()}:`;
    return prefix;
  };

  afterEach(async () => {
    const keys = await scanAll(rawRedis, `${prefix}*`);
    if (keys.length > 0) await rawRedis.del(...keys);
  });

  /** A client on a scope of its own, so counters see only this test's requests. */
  async function scopedClient(): Promise<{ client: Redis; scope: GatewayControl }> {
    const { token, control: scope } = await control.createScope();
    return { client: target.createRedis({ url: target.url, token }), scope };
  }

  describe(`gateway conformance from ${runtime}`, () => {
    it("round-trips unicode strings exactly", async () => {
      freshPrefix();
      const text = "héllo wörld ✓ 🚀 日本語 \u0000 end";
      await redis.set(key("unicode"), text);
      expect(await rawRedis.get(key("unicode"))).toBe(text);
      expect(await redis.strlen(key("unicode"))).toBe(new TextEncoder().encode(text).length);
    });

    it("returns JSON-looking strings parsed by default and verbatim without deserialization", async () => {
      freshPrefix();
      await redis.set(key("json"), '{"a":1,"b":[true,null]}');
      await redis.set(key("number-text"), "123");
      expect(await redis.get(key("json"))).toEqual({ a: 1, b: [true, null] });
      expect(await rawRedis.get(key("json"))).toBe('{"a":1,"b":[true,null]}');
      expect(await redis.get(key("number-text"))).toBe(123);
      expect(await rawRedis.get(key("number-text"))).toBe("123");
    });

    it("sends numbers and booleans as their text and reads integers back as numbers", async () => {
      freshPrefix();
      await redis.set(key("n"), 42);
      await redis.set(key("flag"), true);
      expect(await rawRedis.get(key("n"))).toBe("42");
      expect(await rawRedis.get(key("flag"))).toBe("true");
      expect(await redis.incrby(key("n"), 8)).toBe(50);
      expect(await redis.incrbyfloat(key("n"), 0.5)).toBe(50.5);
    });

    it("keeps integers beyond 2^53 exact on the wire and in stored text", async () => {
      freshPrefix();
      await redis.set(key("big"), "9007199254740992");
      // 2^53 + 1 has no double: a gateway that read the reply as a JS number would send ...992.
      const response = await fetch(target.url, {
        method: "POST",
        headers: { authorization: `Bearer ${target.token}` },
        body: JSON.stringify(["incrby", key("big"), 1]),
      });
      expect(await response.text()).toBe('{"result":9007199254740993}');
      expect(await rawRedis.get(key("big"))).toBe("9007199254740993");
      // Default deserialization keeps text that a JS number would change.
      expect(await redis.get(key("big"))).toBe("9007199254740993");
      // Through the SDK the integer reply is a JS number, as close as a double gets.
      expect(await redis.incrby(key("big"), 1)).toBe(9007199254740994);
    });

    it("answers missing keys and fields with null, also inside arrays", async () => {
      freshPrefix();
      await redis.set(key("present"), "OK");
      expect(await redis.get(key("missing"))).toBeNull();
      expect(await redis.hget(key("missing-hash"), "field")).toBeNull();
      // "OK" inside an array only survives if the gateway base64-encodes it like any string.
      expect(await rawRedis.mget(key("present"), key("missing"))).toEqual(["OK", null]);
    });

    it("returns nested arrays for SCAN with MATCH and COUNT, HGETALL and ZRANGE WITHSCORES", async () => {
      freshPrefix();
      const names = Array.from({ length: 25 }, (_, index) => key(`scan:${index}`));
      await Promise.all(names.map((name) => redis.set(name, "v")));
      await redis.set(key("other"), "v");
      expect((await scanAll(redis, key("scan:*"), 7)).sort()).toEqual([...names].sort());

      await redis.hset(key("hash"), { field: "value", count: 3 });
      expect(await redis.hgetall(key("hash"))).toEqual({ field: "value", count: 3 });

      await redis.zadd(key("zset"), { score: 2.5, member: "b" }, { score: 1, member: "a" });
      expect(await redis.zrange(key("zset"), 0, -1, { withScores: true })).toEqual(["a", 1, "b", 2.5]);
    });

    it("runs EVAL and EVALSHA with nested replies, including bytes that are not UTF-8", async () => {
      freshPrefix();
      await redis.set(key("lua"), "stored");
      const script = "return {1, 'two', redis.call('get', KEYS[1]), {ARGV[1]}, false}";
      expect(await rawRedis.eval(script, [key("lua")], ["arg"])).toEqual([1, "two", "stored", ["arg"], null]);
      const sha = await redis.scriptLoad(script);
      expect(await rawRedis.evalsha(sha, [key("lua")], ["again"])).toEqual([1, "two", "stored", ["again"], null]);

      const response = await fetch(target.url, {
        method: "POST",
        headers: { authorization: `Bearer ${target.token}`, "upstash-encoding": "base64" },
        body: JSON.stringify(["eval", "return string.char(0, 255, 128, 79, 75)", 0]),
      });
      expect(await response.json()).toEqual({ result: "AP+AT0s=" });
    });

    it("reports NOSCRIPT per command and lets createScript fall back to EVAL", async () => {
      freshPrefix();
      const { client, scope } = await scopedClient();
      const pipeline = client.pipeline();
      pipeline.set(key("a"), "1");
      pipeline.evalsha("0".repeat(40), [], []);
      pipeline.get(key("a"));
      const results = await pipeline.exec({ keepErrors: true });
      expect(results[0]).toMatchObject({ result: "OK" });
      expect(results[1]?.error).toMatch(/^NOSCRIPT/);
      expect(results[2]).toMatchObject({ result: 1 });

      // A script body no test has loaded before, so the first EVALSHA must miss.
      const script = client.createScript<string>(`-- ${crypto.randomUUID()}\nreturn redis.call('get', KEYS[1])`);
      expect(await script.exec([key("a")], [])).toBe(1);
      const counted = await scope.counters();
      expect(counted.commands.byName.evalsha).toBe(2);
      expect(counted.commands.byName.eval).toBe(1);
      expect(await client.scriptExists(script.sha1)).toEqual([1]);
    });

    it("answers a failing command inside a pipeline with its own error while the others succeed", async () => {
      freshPrefix();
      const pipeline = redis.pipeline();
      pipeline.set(key("text"), "not a number");
      pipeline.incr(key("text"));
      pipeline.set(key("after"), "ran");
      const results = await pipeline.exec({ keepErrors: true });
      expect(results.map((entry) => entry.error === undefined)).toEqual([true, false, true]);
      expect(results[1]?.error).toMatch(/^ERR value is not an integer/);
      expect(await rawRedis.get(key("after"))).toBe("ran");
    });

    it("runs MULTI/EXEC with per-command runtime errors", async () => {
      freshPrefix();
      const tx = redis.multi();
      tx.set(key("tx"), "x");
      tx.incr(key("tx"));
      tx.append(key("tx"), "y");
      tx.get(key("tx"));
      const results = await tx.exec({ keepErrors: true });
      expect(results[0]).toMatchObject({ result: "OK" });
      expect(results[1]?.error).toMatch(/^ERR value is not an integer/);
      expect(results[2]).toMatchObject({ result: 2 });
      expect(results[3]).toMatchObject({ result: "xy" });
    });

    it("discards a transaction with a command rejected while queueing (400, nothing applied)", async () => {
      freshPrefix();
      const response = await fetch(`${target.url}/multi-exec`, {
        method: "POST",
        headers: { authorization: `Bearer ${target.token}` },
        body: JSON.stringify([
          ["set", key("never"), "1"],
          ["no-such-command", "x"],
        ]),
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(/^EXECABORT/);
      expect(await rawRedis.exists(key("never"))).toBe(0);
    });

    it("never interleaves concurrent transactions", async () => {
      freshPrefix();
      const transactions = Array.from({ length: 40 }, () => {
        const tx = redis.multi();
        tx.incr(key("counter"));
        tx.incr(key("counter"));
        tx.get<number>(key("counter"));
        return tx.exec<[number, number, number]>();
      });
      const results = await Promise.all(transactions);
      for (const [first, second, read] of results) {
        expect(second).toBe(first + 1);
        expect(read).toBe(second);
      }
      expect(results.map(([first]) => first).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, index) => 2 * index + 1));
    });

    it("delivers concurrent calls of one tick as a single pipeline request", async () => {
      freshPrefix();
      const { client, scope } = await scopedClient();
      const names = Array.from({ length: 10 }, (_, index) => key(`auto:${index}`));
      const values = await Promise.all(names.map((name) => client.get(name)));
      expect(values).toEqual(names.map(() => null));
      const counted = await scope.counters();
      expect(counted.requests).toEqual({ total: 1, single: 0, pipeline: 1, "multi-exec": 0 });
      expect(counted.commands.byName.get).toBe(10);
    });

    it("reads its own writes and issues a new sync token after each write", async () => {
      freshPrefix();
      const client = target.createRedis({ url: target.url, token: target.token });
      await client.get(key("ryw"));
      const before = client.readYourWritesSyncToken;
      await client.set(key("ryw"), "fresh");
      const afterWrite = client.readYourWritesSyncToken;
      expect(afterWrite).toBeTruthy();
      expect(afterWrite).not.toBe(before);
      expect(await client.get(key("ryw"))).toBe("fresh");
    });

    it("rejects a wrong token with 401, which the SDK raises as UpstashError", async () => {
      const intruder = target.createRedis({ url: target.url, token: "not-the-token" });
      await expect(intruder.get("anything")).rejects.toBeInstanceOf(target.UpstashError);
      const response = await fetch(target.url, {
        method: "POST",
        headers: { authorization: "Bearer not-the-token" },
        body: '["ping"]',
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toHaveProperty("error");
    });

    it("rejects a missing or malformed Authorization header with 400", async () => {
      const malformed: Record<string, string>[] = [{}, { authorization: `Basic ${target.token}` }, { authorization: "Bearer" }];
      for (const headers of malformed) {
        const response = await fetch(target.url, { method: "POST", headers, body: '["ping"]' });
        expect(response.status).toBe(400);
        expect(await response.json()).toHaveProperty("error");
      }
    });
  });
}

/** Every key matching `pattern`, following SCAN's cursor to the end. */
async function scanAll(client: Redis, pattern: string, count = 100): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | number = 0;
  do {
    const [next, batch]: [string | number, string[]] = await client.scan(cursor, { match: pattern, count });
    keys.push(...batch);
    cursor = next;
  } while (String(cursor) !== "0");
  return [...new Set(keys)];
}
