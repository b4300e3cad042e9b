import { randomUUID } from "node:crypto";
import { errors, Redis } from "@upstash/redis";
import getPort from "get-port";
import { afterAll, describe, expect, it } from "vitest";
import { createGateway, type Gateway } from "../../dev/gateway/server.ts";
import { post } from "../helpers/node/http.ts";
import { sharedGateway } from "../helpers/node/shared-gateway.ts";

const gateway = sharedGateway();
const base64 = { "upstash-encoding": "base64" };
const key = (name: string) => `protocol:${randomUUID()}:${name}`;
const extraGateways: Gateway[] = [];

afterAll(async () => {
  await Promise.all(extraGateways.map((extra) => extra.stop()));
});

async function extraGateway(options: Parameters<typeof createGateway>[0]): Promise<Gateway> {
  const extra = await createGateway(options);
  extraGateways.push(extra);
  return extra;
}

describe("gateway request shapes", () => {
  it("accepts command names in any case", async () => {
    const name = key("case");
    expect((await post(gateway.url, ["SeT", name, "v"], { token: gateway.token })).json).toEqual({ result: "OK" });
    expect((await post(gateway.url, ["GET", name], { token: gateway.token })).json).toEqual({ result: "v" });
  });

  it("turns numbers and booleans into their JSON text, digit for digit", async () => {
    const name = key("args");
    // Written as text: a JS number literal would already be rounded before it was sent.
    const body = `["hset", ${JSON.stringify(name)}, "int", 42, "float", 1.5, "flag", false, "huge", 12345678901234567890]`;
    await post(gateway.url, body, { token: gateway.token });
    const answer = await post(gateway.url, ["hmget", name, "int", "float", "flag", "huge"], { token: gateway.token });
    expect(answer.json).toEqual({ result: ["42", "1.5", "false", "12345678901234567890"] });
  });

  it("refuses null arguments and nested objects as a malformed request", async () => {
    for (const body of [
      ["set", key("null"), null],
      ["set", key("object"), { a: 1 }],
      ["set", key("array"), [1]],
    ]) {
      const answer = await post(gateway.url, body, { token: gateway.token });
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error: expect.stringMatching(/^ERR /) });
    }
  });

  it("answers a body that is not JSON, or not commands, with 400 and a JSON error", async () => {
    const cases: [string, string][] = [
      [gateway.url, "{not json"],
      [gateway.url, "[]"],
      [gateway.url, '{"command":"get"}'],
      [`${gateway.url}/pipeline`, "[]"],
      [`${gateway.url}/pipeline`, '{"result":1}'],
      [`${gateway.url}/pipeline`, '[["get","k"], "get"]'],
      [`${gateway.url}/multi-exec`, '[[1, "k"]]'],
    ];
    for (const [url, body] of cases) {
      const answer = await post(url, body, { token: gateway.token });
      expect(answer.status, `${url} ${body}`).toBe(400);
      expect(answer.json).toEqual({ error: expect.any(String) });
    }
  });

  it("answers unknown paths with 404 and other methods with 405, both as JSON", async () => {
    const unknown = await post(`${gateway.url}/nope`, ["ping"], { token: gateway.token });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toEqual({ error: expect.any(String) });
    const get = await fetch(gateway.url, { headers: { authorization: `Bearer ${gateway.token}` } });
    expect(get.status).toBe(405);
    expect(await get.json()).toEqual({ error: expect.any(String) });
  });

  it("refuses bodies over the size limit with 413", async () => {
    const small = await extraGateway({ redisUrl: gateway.redisUrl, maxBodyBytes: 1024 });
    const answer = await post(small.url, ["set", key("big"), "x".repeat(2048)], { token: small.token });
    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({ error: expect.any(String) });
  });
});

describe("gateway reply encoding", () => {
  it("base64-encodes every string at every depth, status replies included, and leaves integers and null", async () => {
    const name = key("enc");
    const set = await post(gateway.url, ["set", name, "héllo"], { token: gateway.token, headers: base64 });
    expect(set.json).toEqual({ result: "T0s=" });
    const ping = await post(gateway.url, ["ping"], { token: gateway.token, headers: base64 });
    expect(ping.json).toEqual({ result: "UE9ORw==" });
    const pipeline = await post(
      `${gateway.url}/pipeline`,
      [
        ["mget", name, key("missing")],
        ["strlen", name],
        ["eval", "return {'OK', {1, 'x'}}", 0],
      ],
      { token: gateway.token, headers: base64 },
    );
    expect(pipeline.json).toEqual([
      { result: [Buffer.from("héllo").toString("base64"), null] },
      { result: 6 },
      { result: ["T0s=", [1, "eA=="]] },
    ]);
  });

  it("base64-encodes transaction results like any other array", async () => {
    const answer = await post(`${gateway.url}/multi-exec`, [["set", key("tx"), "v"], ["ping"]], { token: gateway.token, headers: base64 });
    expect(answer.json).toEqual([{ result: "T0s=" }, { result: "UE9ORw==" }]);
  });

  it("sends plain strings without the encoding header", async () => {
    const name = key("plain");
    await post(gateway.url, ["set", name, "héllo"], { token: gateway.token });
    expect((await post(gateway.url, ["get", name], { token: gateway.token })).json).toEqual({ result: "héllo" });
    const plainClient = new Redis({ url: gateway.url, token: gateway.token, responseEncoding: false });
    expect(await plainClient.get(name)).toBe("héllo");
  });

  it("returns RESP2 shapes: maps as flat arrays, doubles as strings, booleans as 0/1", async () => {
    const name = key("shapes");
    await post(gateway.url, ["hset", name, "f", "v"], { token: gateway.token });
    expect((await post(gateway.url, ["hgetall", name], { token: gateway.token })).json).toEqual({ result: ["f", "v"] });
    expect((await post(gateway.url, ["incrbyfloat", key("float"), "1.5"], { token: gateway.token })).json).toEqual({
      result: "1.5",
    });
    expect((await post(gateway.url, ["eval", "return true", 0], { token: gateway.token })).json).toEqual({ result: 1 });
  });

  it("answers a failing single command with 400 and Redis' error", async () => {
    const answer = await post(gateway.url, ["incr", key("x"), "extra"], { token: gateway.token });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: expect.stringMatching(/^ERR wrong number of arguments/) });
  });
});

describe("gateway sync token", () => {
  it("issues a new upstash-sync-token after a write and repeats it after a read", async () => {
    // A gateway of its own: the shared one sees writes from every other test file.
    const own = await extraGateway({ redisUrl: gateway.redisUrl });
    const first = await post(own.url, ["set", key("sync"), "1"], { token: own.token });
    const read = await post(own.url, ["get", key("sync")], { token: own.token });
    const second = await post(
      `${own.url}/pipeline`,
      [
        ["get", key("sync")],
        ["del", key("sync")],
      ],
      { token: own.token },
    );
    const firstToken = first.headers.get("upstash-sync-token");
    expect(firstToken).toBeTruthy();
    expect(read.headers.get("upstash-sync-token")).toBe(firstToken);
    expect(second.headers.get("upstash-sync-token")).not.toBe(firstToken);
  });
});

describe("gateway command policy", () => {
  it("refuses blocking and connection-state commands, per command inside a pipeline", async () => {
    const single = await post(gateway.url, ["BLPOP", key("list"), 0], { token: gateway.token });
    expect(single.status).toBe(400);
    expect(single.json).toEqual({ error: expect.stringMatching(/blocks the connection/) });

    const pipeline = await post(
      `${gateway.url}/pipeline`,
      [["ping"], ["select", 1], ["subscribe", "channel"], ["xread", "BLOCK", 0, "STREAMS", key("s"), "$"], ["ping"]],
      { token: gateway.token },
    );
    expect(pipeline.status).toBe(200);
    const entries = pipeline.json as { result?: unknown; error?: string }[];
    expect(entries.map((entry) => "error" in entry)).toEqual([false, true, true, true, false]);
  });

  it("refuses MULTI inside a pipeline and discards a transaction holding a refused command", async () => {
    const pipeline = await post(`${gateway.url}/pipeline`, [["multi"], ["ping"]], { token: gateway.token });
    expect(pipeline.json).toEqual([{ error: expect.stringMatching(/multi-exec/) }, { result: "PONG" }]);
    const tx = await post(
      `${gateway.url}/multi-exec`,
      [
        ["set", key("never"), "1"],
        ["blpop", "x", 0],
      ],
      {
        token: gateway.token,
      },
    );
    expect(tx.status).toBe(400);
    expect(tx.json).toEqual({ error: expect.stringMatching(/^EXECABORT/) });
    expect((await post(gateway.url, ["exists", key("never")], { token: gateway.token })).json).toEqual({ result: 0 });
  });
});

describe("gateway mount path", () => {
  it("serves the REST API under a prefix, pipeline and transactions included", async () => {
    const mounted = await extraGateway({ redisUrl: gateway.redisUrl, mountPath: "/v1/redis/" });
    expect(mounted.url).toMatch(/\/v1\/redis$/);
    const client = new Redis({ url: `${mounted.url}/`, token: mounted.token });
    const name = key("mounted");
    const pipeline = client.pipeline();
    pipeline.set(name, "1");
    pipeline.incr(name);
    expect(await pipeline.exec()).toEqual(["OK", 2]);
    const tx = client.multi();
    tx.incr(name);
    expect(await tx.exec()).toEqual([3]);
    expect(await client.get(name)).toBe(3);
    const outside = await post(`${mounted.url.replace(/\/v1\/redis$/, "")}/pipeline`, [["ping"]], { token: mounted.token });
    expect(outside.status).toBe(404);
  });
});

describe("gateway without Redis", () => {
  it("answers every endpoint with 503 and a JSON error, which the SDK raises as UpstashError", async () => {
    const deadPort = await getPort({ host: "127.0.0.1" });
    const orphan = await extraGateway({ redisUrl: `redis://127.0.0.1:${deadPort}`, connectTimeoutMs: 500 });
    for (const [path, body] of [
      ["", ["ping"]],
      ["/pipeline", [["ping"]]],
      ["/multi-exec", [["ping"]]],
    ] as const) {
      const answer = await post(`${orphan.url}${path}`, body, { token: orphan.token });
      expect(answer.status).toBe(503);
      expect(answer.json).toEqual({ error: expect.stringMatching(/redis unavailable/) });
    }
    const client = new Redis({ url: orphan.url, token: orphan.token });
    await expect(client.get("anything")).rejects.toBeInstanceOf(errors.UpstashError);
  });
});
