import { env } from "cloudflare:workers";
import { Redis } from "@upstash/redis/cloudflare";
import { describe, expect, it } from "vitest";
import type { LuaScript } from "../../../shared/redis/lua-script";
import { createUpstashRunner, type RedisCommand } from "../../../shared/redis/redis-client";
import { RequestTooLargeError } from "../../../shared/redis/request-errors";
import { oversizedRequestBytes, requestBytes, type WireCommand, wireCommand } from "../../../shared/redis/request-size";
import { runCalls } from "../../../shared/redis/script-runner";
import { gatewayScope } from "../../helpers/worker/test-env";

const encoder = new TextEncoder();
const sentBytes = (commands: readonly WireCommand[]) => encoder.encode(JSON.stringify(commands)).length;

const HOSTILE_STRINGS = [
  "",
  "plain ascii 0123456789",
  'quotes " and backslashes \\ and "\\"',
  "\b\t\n\f\r short escapes",
  `${String.fromCharCode(0, 1, 0x1f)} long escapes`,
  "\x7f DEL is not escaped",
  "é ß ü (two bytes)",
  "€ 中文 (three bytes)",
  "😀 🏳️‍🌈 (surrogate pairs)",
  "lone high \ud800 surrogate",
  "lone low \udc00 surrogate",
  "high surrogate at the end \ud83d",
  "\udc00\ud800 reversed pair",
];

/** A reproducible string of any UTF-16 units, surrogates and controls included. */
function randomString(seed: number, length: number): string {
  let state = seed;
  const units: number[] = [];
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const pick = state % 4;
    units.push(pick === 0 ? state % 0x80 : pick === 1 ? 0xd800 + (state % 0x800) : pick === 2 ? state % 0x20 : state % 0x10000);
  }
  return String.fromCharCode(...units);
}

describe("the size of a pipeline's JSON body", () => {
  it("counts exactly what JSON.stringify and UTF-8 produce, for quotes, controls, non-ASCII and lone surrogates", () => {
    for (const text of HOSTILE_STRINGS) {
      const commands: WireCommand[] = [["evalsha", text, 1, text], [text]];
      expect(requestBytes(commands), JSON.stringify(text)).toBe(sentBytes(commands));
    }
    for (let seed = 1; seed <= 200; seed++) {
      const commands: WireCommand[] = [["set", randomString(seed, seed * 3), seed, -seed]];
      expect(requestBytes(commands)).toBe(sentBytes(commands));
    }
    expect(requestBytes([])).toBe(sentBytes([]));
    expect(requestBytes([[]])).toBe(sentBytes([[]]));
  });

  it("reports the exact size of a request over the limit and nothing for one at or under it", () => {
    for (const text of [...HOSTILE_STRINGS, randomString(7, 500)]) {
      const commands: WireCommand[] = [["eval", text, 0], ["ping"]];
      const bytes = sentBytes(commands);
      expect(oversizedRequestBytes(commands, bytes)).toBeUndefined();
      expect(oversizedRequestBytes(commands, bytes - 1)).toBe(bytes);
    }
  });

  it("counts characters only near the limit: a request of controls six times its length is still caught", () => {
    const controls = "\u0001".repeat(1000);
    const commands: WireCommand[] = [["hset", "k", "f", controls]];
    expect(sentBytes(commands)).toBeGreaterThan(6000);
    expect(oversizedRequestBytes(commands, 5999)).toBe(sentBytes(commands));
    expect(oversizedRequestBytes(commands, 1_000_000)).toBeUndefined();
  });
});

describe("the wire shape of each command", () => {
  it("is the array the SDK sends", () => {
    const commands: RedisCommand[] = [
      { op: "evalsha", sha: "a".repeat(40), keys: ["k1", "k2"], args: ["x", "1"] },
      { op: "eval", script: "return 1", keys: [], args: ["y"] },
      { op: "del", keys: ["a", "b"] },
      { op: "hgetall", key: "h" },
      { op: "hget", key: "h", field: "f" },
      { op: "hset", key: "h", fields: { f1: "v1", f2: "v2" } },
      { op: "hsetnx", key: "h", field: "f", value: "v" },
      { op: "hvals", key: "h" },
      { op: "scan", cursor: "0", match: "ec:t:*", count: 100 },
      { op: "ping" },
    ];
    const pipeline = new Redis({ url: "https://example.invalid", token: "t", enableTelemetry: false }).pipeline();
    pipeline
      .evalsha("a".repeat(40), ["k1", "k2"], ["x", "1"])
      .eval("return 1", [], ["y"])
      .del("a", "b")
      .hgetall("h")
      .hget("h", "f")
      .hset("h", { f1: "v1", f2: "v2" })
      .hsetnx("h", "f", "v")
      .hvals("h")
      .scan("0", { match: "ec:t:*", count: 100 })
      .ping();
    // The SDK's own record of what it will POST (pkg/pipeline.ts: `commands[i].command`).
    const sdkCommands = (pipeline as unknown as { commands: { command: unknown[] }[] }).commands.map((c) => c.command);
    expect(commands.map(wireCommand)).toEqual(sdkCommands);
  });
});

describe("the Upstash runner's size check, against the gateway", () => {
  it("refuses a request over maxRequestBytes without sending it, and sends one that fits", async () => {
    const { token, control } = await gatewayScope();
    const runner = createUpstashRunner({ url: env.UPSTASH_REDIS_REST_URL, token, timeoutMs: 2000, retries: 0, maxRequestBytes: 2000 });
    const command = (value: string): RedisCommand => ({ op: "hget", key: `size-${crypto.randomUUID()}`, field: value });
    const oversized = command("é".repeat(1000));
    await control.resetCounters();
    const refused = await runner.run([oversized]).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RequestTooLargeError);
    expect(refused).toMatchObject({ limitBytes: 2000, requestBytes: sentBytes([wireCommand(oversized)]) });
    expect((await control.counters()).requests.total).toBe(0);
    expect(await runner.run([command("e".repeat(1000))])).toEqual([{ ok: true, value: null }]);
    expect((await control.counters()).requests.total).toBe(1);
  });

  it("checks the NOSCRIPT re-send too, splitting it in two when only its script sources make it too large", async () => {
    const { token, control } = await gatewayScope();
    // A source Redis has never seen, so EVALSHA answers NOSCRIPT and the call is re-sent as EVAL.
    const script: LuaScript = { name: "size-test", source: `return ARGV[1] -- ${crypto.randomUUID()} ${"x".repeat(1500)}` };
    const runner = createUpstashRunner({ url: env.UPSTASH_REDIS_REST_URL, token, timeoutMs: 2000, retries: 0, maxRequestBytes: 2500 });
    await control.resetCounters();
    const replies = await runCalls(runner, [
      { script, keys: [], args: ["a"] },
      { script, keys: [], args: ["b"] },
    ]);
    expect(replies).toEqual([
      { ok: true, value: "a" },
      { ok: true, value: "b" },
    ]);
    // EVALSHA for both, then one EVAL each: together they would have been over the limit.
    expect((await control.counters()).requests.total).toBe(3);

    const tooSmall = createUpstashRunner({ url: env.UPSTASH_REDIS_REST_URL, token, timeoutMs: 2000, retries: 0, maxRequestBytes: 1000 });
    const fresh: LuaScript = { name: "size-test", source: `return 1 -- ${crypto.randomUUID()} ${"x".repeat(1500)}` };
    await expect(runCalls(tooSmall, [{ script: fresh, keys: [], args: [] }])).rejects.toBeInstanceOf(RequestTooLargeError);
  });
});
