import { describe, expect, it } from "vitest";
import { cachePath, redisRunner, sleep, testApp } from "../helpers/worker/test-env";

const text = (body: string, type = "text/plain") => ({ method: "PUT", body, headers: { "Content-Type": type } });

describe("PUT /v1/cache/{key}", () => {
  it("stores in Redis and answers 201 with the ETag", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    const res = await app.as(alice!, cachePath("greeting"), text("hello"));
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toEqual({ stored: "redis", etag: res.headers.get("ETag") });
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
  });

  it("stores only if absent with If-None-Match: *, else 412", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    const init = { ...text("first"), headers: { "Content-Type": "text/plain", "If-None-Match": "*" } };
    expect((await app.as(alice!, cachePath("once"), init)).status).toBe(201);
    const second = await app.as(alice!, cachePath("once"), { ...init, body: "second" });
    expect(second.status).toBe(412);
    expect(await second.json()).toMatchObject({ error: { code: "precondition_failed" } });
    expect(await (await app.as(alice!, cachePath("once"))).text()).toBe("first");
  });

  it("refuses a value over the configured maximum with 413, keeping the old value", async () => {
    const app = await testApp({ vars: { MAX_VALUE_BYTES: "1024" } });
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("k"), text("small"));
    const res = await app.as(alice!, cachePath("k"), text("x".repeat(1025)));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { code: "payload_too_large" } });
    expect(await (await app.as(alice!, cachePath("k"))).text()).toBe("small");
  });

  it("stops reading a streamed body as soon as it passes the limit", async () => {
    const app = await testApp({ vars: { MAX_VALUE_BYTES: "4096" } });
    const [alice] = app.tenants;
    let pulled = 0;
    // 1,000 chunks of 1 KiB on offer, no Content-Length: only a handful may be read.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        if (pulled > 1000) controller.close();
        else controller.enqueue(new Uint8Array(1024));
      },
    });
    const res = await app.as(alice!, cachePath("stream"), { method: "PUT", body, duplex: "half" } as RequestInit);
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(10);
  });

  it("refuses bad ttl, swr and tags with 400 invalid_query", async () => {
    const app = await testApp({ vars: { MAX_TTL_SECONDS: "3600" } });
    const [alice] = app.tenants;
    for (const query of ["?ttl=0", "?ttl=abc", "?ttl=1.5", "?ttl=3601", "?swr=-1", `?tags=${"x".repeat(129)}`]) {
      const res = await app.as(alice!, cachePath("k", query), text("v"));
      expect(res.status, query).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_query" } });
    }
  });

  it("refuses keys that are not 1 to 512 bytes of valid UTF-8", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    for (const path of ["/v1/cache/%FF", "/v1/cache/%E0%A4", `/v1/cache/${"k".repeat(513)}`, "/v1/cache/"]) {
      const res = await app.as(alice!, path, text("v"));
      expect(res.status, path).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_key" } });
    }
  });
});

describe("GET and HEAD /v1/cache/{key}", () => {
  it("returns the value with its content type and cache headers", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("doc", "?ttl=120"), text('{"a":1}', "application/vnd.example+json; charset=utf-8"));
    const res = await app.as(alice!, cachePath("doc"));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"a":1}');
    expect(res.headers.get("Content-Type")).toBe("application/vnd.example+json; charset=utf-8");
    expect(res.headers.get("X-Cache")).toBe("HIT-L1");
    expect(res.headers.get("Cache-Control")).toMatch(/^private, max-age=1(19|20)$/);
    expect(res.headers.get("Age")).toBe("0");
    expect(res.headers.get("ETag")).toMatch(/^"[0-9a-f]{24}"$/);
  });

  it("serves from Redis in a cold isolate (HIT-L2), then from memory (HIT-L1)", async () => {
    const writer = await testApp();
    const [alice] = writer.tenants;
    await writer.as(alice!, cachePath("shared"), text("across isolates"));
    const reader = writer.otherIsolate();
    const first = await reader.as(alice!, cachePath("shared"));
    expect(first.headers.get("X-Cache")).toBe("HIT-L2");
    expect(await first.text()).toBe("across isolates");
    expect((await reader.as(alice!, cachePath("shared"))).headers.get("X-Cache")).toBe("HIT-L1");
  });

  it("answers 404 with X-Cache: MISS and a JSON error for a missing key", async () => {
    const app = await testApp();
    const res = await app.as(app.tenants[0]!, cachePath("absent"));
    expect(res.status).toBe(404);
    expect(res.headers.get("X-Cache")).toBe("MISS");
    expect(await res.json()).toMatchObject({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("answers 304 when If-None-Match carries the current ETag", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    const etag = (await app.as(alice!, cachePath("k"), text("v"))).headers.get("ETag") as string;
    const res = await app.as(alice!, cachePath("k"), { headers: { "If-None-Match": `"nope", ${etag}` } });
    expect(res.status).toBe(304);
    expect(res.headers.get("ETag")).toBe(etag);
    expect(await res.text()).toBe("");
    expect((await app.as(alice!, cachePath("k"), { headers: { "If-None-Match": '"other"' } })).status).toBe(200);
  });

  it("answers HEAD with the headers of GET and no body", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("k"), text("twelve bytes"));
    const res = await app.as(alice!, cachePath("k"), { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Cache")).toBe("HIT-L1");
    expect(res.headers.get("Content-Type")).toBe("text/plain");
    expect(await res.text()).toBe("");
  });

  it("round-trips binary bytes and bodies that look like JSON, through Redis", async () => {
    const writer = await testApp();
    const [alice] = writer.tenants;
    const binary = crypto.getRandomValues(new Uint8Array(3000));
    await writer.as(alice!, cachePath("bin"), { method: "PUT", body: binary, headers: { "Content-Type": "application/octet-stream" } });
    for (const body of ["null", "123", "true", "9007199254740993"])
      await writer.as(alice!, cachePath(`json-${body}`), text(body, "application/json"));
    const reader = writer.otherIsolate();
    const res = await reader.as(alice!, cachePath("bin"));
    expect(res.headers.get("X-Cache")).toBe("HIT-L2");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(binary);
    for (const body of ["null", "123", "true", "9007199254740993"])
      expect(await (await reader.as(alice!, cachePath(`json-${body}`))).text()).toBe(body);
  });

  it("compresses large values in Redis and returns them intact", async () => {
    const writer = await testApp();
    const [alice] = writer.tenants;
    const value = JSON.stringify(Array.from({ length: 400 }, (_, i) => ({ id: i, name: "edge-cache item" })));
    await writer.as(alice!, cachePath("big"), text(value, "application/json"));
    const [stored] = await redisRunner().run([
      { op: "eval", script: "return redis.call('GET', KEYS[1])", keys: [`ec:${alice!.tenant}:e:big`], args: [] },
    ]);
    const raw = String(stored?.ok ? stored.value : "");
    expect(raw).toContain('"e":"z"');
    expect(raw.length).toBeLessThan(value.length / 4);
    const res = await writer.otherIsolate().as(alice!, cachePath("big"));
    expect(await res.text()).toBe(value);
  });

  it("accepts any characters in a key, percent-encoded, with / inside", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    const keys = ["a/b/c", "a:b*c?[d]\\e%f", "nul\u0000byte", "ünïcødé 😀", "a/../b", "sp ace"];
    for (const key of keys) expect((await app.as(alice!, cachePath(key), text(`v:${key}`))).status).toBe(201);
    const reader = app.otherIsolate();
    for (const key of keys) expect(await (await reader.as(alice!, cachePath(key))).text()).toBe(`v:${key}`);
    expect(await (await reader.as(alice!, "/v1/cache/a/b/c")).text()).toBe("v:a/b/c");
  });
});

describe("DELETE /v1/cache/{key}", () => {
  it("answers 204, removes the entry everywhere, and is idempotent", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("k"), text("v"));
    expect((await app.as(alice!, cachePath("k"), { method: "DELETE" })).status).toBe(204);
    expect((await app.as(alice!, cachePath("k"))).status).toBe(404);
    expect((await app.otherIsolate().as(alice!, cachePath("k"))).status).toBe(404);
    expect((await app.as(alice!, cachePath("k"), { method: "DELETE" })).status).toBe(204);
  });
});

describe("expiry", () => {
  it("expires an entry after its ttl", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("short", "?ttl=1"), text("v"));
    expect((await app.as(alice!, cachePath("short"))).status).toBe(200);
    await sleep(1100);
    expect((await app.as(alice!, cachePath("short"))).status).toBe(404);
    expect((await app.otherIsolate().as(alice!, cachePath("short"))).status).toBe(404);
  });

  it("serves a stale copy inside the swr window, marked STALE, and nothing after", async () => {
    const app = await testApp();
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("k", "?ttl=1&swr=1"), text("v"));
    await sleep(1100);
    const stale = await app.otherIsolate().as(alice!, cachePath("k"));
    expect(stale.status).toBe(200);
    expect(stale.headers.get("X-Cache")).toBe("STALE");
    expect(stale.headers.get("Cache-Control")).toBe("private, max-age=0");
    await sleep(1000);
    expect((await app.as(alice!, cachePath("k"))).status).toBe(404);
  });
});

describe("routing", () => {
  it("answers 405 with Allow for other methods", async () => {
    const app = await testApp();
    const res = await app.as(app.tenants[0]!, cachePath("k"), { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD, PUT, DELETE");
    expect(await res.json()).toMatchObject({ error: { code: "method_not_allowed" } });
  });

  it("answers 404 JSON for unknown routes", async () => {
    const res = await (await testApp()).request("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("requires a valid bearer token on /v1", async () => {
    const app = await testApp();
    for (const headers of [
      {} as Record<string, string>,
      { Authorization: "Basic abc" },
      { Authorization: "Bearer wrong-token-value" },
      { Authorization: "Bearer " },
    ]) {
      const res = await app.request(cachePath("k"), { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
      expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
  });
});

describe("the tenant's storage budget", () => {
  // Text that gzip cannot shrink much, so it takes about its size in Redis.
  const noise = (chars: number) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(chars)))).slice(0, chars);
  const limited = (storageBytes: number) => ({ tenants: 2, tenant: { record: { limits: { storageBytes } } } });

  it("refuses a PUT that would go over it with 413 storage_full, naming the budget, and stores nothing", async () => {
    const app = await testApp(limited(1000));
    const [alice] = app.tenants;
    expect((await app.as(alice!, cachePath("k"), text("small"))).status).toBe(201);
    const res = await app.as(alice!, cachePath("k"), text(noise(2000)));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: "storage_full", message: expect.stringContaining("1000 bytes") } });
    expect(await (await app.as(alice!, cachePath("k"))).text()).toBe("small");
    expect(await (await app.otherIsolate().as(alice!, cachePath("k"))).text()).toBe("small");
  });

  it("makes room again when entries are deleted", async () => {
    const app = await testApp(limited(1000));
    const [alice] = app.tenants;
    expect((await app.as(alice!, cachePath("a"), text("a".repeat(500)))).status).toBe(201);
    expect((await app.as(alice!, cachePath("b"), text("b".repeat(500)))).status).toBe(413);
    expect((await app.as(alice!, cachePath("a"), { method: "DELETE" })).status).toBe(204);
    expect((await app.as(alice!, cachePath("b"), text("b".repeat(500)))).status).toBe(201);
  });

  it("is one tenant's own: a full tenant does not hold another back", async () => {
    const app = await testApp(limited(1000));
    const [alice, bob] = app.tenants;
    expect((await app.as(alice!, cachePath("k"), text("a".repeat(600)))).status).toBe(201);
    expect((await app.as(alice!, cachePath("more"), text("a".repeat(600)))).status).toBe(413);
    expect((await app.as(bob!, cachePath("k"), text("b".repeat(600)))).status).toBe(201);
  });

  it("does not apply in memory-only mode, where the L1's byte budget bounds memory", async () => {
    const app = await testApp({ ...limited(100), memoryOnly: true });
    expect((await app.as(app.tenants[0]!, cachePath("k"), text(noise(2000)))).status).toBe(202);
  });
});
