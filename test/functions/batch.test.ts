import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { toBase64 } from "../../shared/encoding";
import { cachePath, gatewayScope, testApp } from "../helpers/worker/test-env";

const json = (body: unknown): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});

describe("POST /v1/batch", () => {
  it("runs gets, sets and deletes and answers each in request order", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("existing"), { method: "PUT", body: "old", headers: { "Content-Type": "text/plain" } });
    const res = await app.as(
      alice!,
      "/v1/batch",
      json({
        get: ["existing", "missing"],
        set: [
          { key: "text", value: "héllo", ttl: 60, tags: ["t"] },
          { key: "bin", value: "AAEC/w==", encoding: "base64", contentType: "application/x-bin" },
        ],
        delete: ["existing"],
      }),
    );
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      get: [
        { key: "existing", status: "hit", value: "old", encoding: "utf8", contentType: "text/plain" },
        { key: "missing", status: "miss" },
      ],
      set: [
        { key: "text", status: "stored", stored: "redis" },
        { key: "bin", status: "stored", stored: "redis" },
      ],
      delete: [{ key: "existing", status: "deleted" }],
    });
    const reader = app.otherIsolate();
    expect((await reader.as(alice!, cachePath("existing"))).status).toBe(404);
    const bin = await reader.as(alice!, cachePath("bin"));
    expect(new Uint8Array(await bin.arrayBuffer())).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(bin.headers.get("Content-Type")).toBe("application/x-bin");
    expect(await (await reader.as(alice!, cachePath("text"))).text()).toBe("héllo");
  });

  it("returns non-UTF-8 values as base64", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("bin"), { method: "PUT", body: new Uint8Array([0xff, 0x00]) });
    const body = await (await app.as(alice!, "/v1/batch", json({ get: ["bin"] }))).json();
    expect(body).toMatchObject({ get: [{ key: "bin", status: "hit", value: "/wA=", encoding: "base64" }] });
  });

  it("refuses more operations than configured with 413", async () => {
    const app = await testApp({ vars: { MAX_BATCH_OPERATIONS: "3" } });
    const res = await app.as(app.tenants[0]!, "/v1/batch", json({ get: ["a", "b"], delete: ["c", "d"] }));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("refuses a body that is not JSON with 415 or 400", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    expect((await app.as(alice!, "/v1/batch", { method: "POST", body: "{}", headers: { "Content-Type": "text/plain" } })).status).toBe(415);
    const res = await app.as(alice!, "/v1/batch", { method: "POST", body: "{not json", headers: { "Content-Type": "application/json" } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: "invalid_body" } });
  });

  it("refuses malformed operations with 400 and writes nothing", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    for (const body of [
      {},
      { get: "a" },
      { set: [{ key: "a" }] },
      {
        set: [
          { key: "ok", value: "v" },
          { key: "", value: "v" },
        ],
      },
      { set: [{ key: "b", value: "%%", encoding: "base64" }] },
      { extra: [] },
    ]) {
      const res = await app.as(alice!, "/v1/batch", json(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: expect.stringMatching(/invalid_body|invalid_key/) } });
    }
    expect((await app.as(alice!, cachePath("ok"))).status).toBe(404);
  });

  it("fails a set over the tenant's storage budget alone, with storage_full, and runs the rest", async () => {
    const app = await testApp({ tenants: 1, tenant: { record: { limits: { storageBytes: 1000 } } } });
    const [alice] = app.tenants;
    const res = await app.as(
      alice!,
      "/v1/batch",
      json({
        set: [
          { key: "small", value: "s" },
          // Random bytes: gzip cannot shrink them under the budget.
          { key: "big", value: toBase64(crypto.getRandomValues(new Uint8Array(1500))), encoding: "base64" },
          { key: "also small", value: "t" },
        ],
        delete: ["gone"],
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      get: [],
      set: [
        { key: "small", status: "stored", stored: "redis", etag: expect.any(String) },
        { key: "big", status: "error", error: { code: "storage_full", message: expect.stringContaining("1000 bytes") } },
        { key: "also small", status: "stored", stored: "redis", etag: expect.any(String) },
      ],
      delete: [{ key: "gone", status: "deleted" }],
    });
    const reader = app.otherIsolate();
    expect((await reader.as(alice!, cachePath("big"))).status).toBe(404);
    expect(await (await reader.as(alice!, cachePath("also small"))).text()).toBe("t");
  });

  it("sends a batch of 100 operations to Redis as one request, its 40 reads as one command", async () => {
    const { control, token } = await gatewayScope();
    const app = await testApp({ vars: { UPSTASH_REDIS_REST_TOKEN: token, STATS_FLUSH_INTERVAL_MS: "3600000" } });
    const [alice] = app.tenants;
    const ops = {
      get: Array.from({ length: 40 }, (_, i) => `g${i}`),
      set: Array.from({ length: 40 }, (_, i) => ({ key: `s${i}`, value: `v${i}` })),
      delete: Array.from({ length: 20 }, (_, i) => `d${i}`),
    };
    // Warms the token cache and Redis' script cache, so only the batch is counted.
    await app.as(alice!, cachePath("warm-up"), { method: "PUT", body: "v", headers: { "Content-Type": "text/plain" } });
    await app.as(alice!, cachePath("warm-up-absent"));
    await app.as(alice!, cachePath("warm-up-deleted"), { method: "DELETE" });
    await app.as(alice!, "/v1/batch", json({ get: ["warm-up-a", "warm-up-b"] }));
    await control.resetCounters();
    const res = await app.as(alice!, "/v1/batch", json(ops));
    expect(res.status).toBe(200);
    const counters = await control.counters();
    expect(counters.requests.total).toBe(1);
    // Upstash bills per command: the reads, consecutive in the batch, are one script call.
    expect(counters.commands.total).toBe(61);
    expect(env.UPSTASH_REDIS_REST_TOKEN).not.toBe(token);
  });
});
