import { describe, expect, it } from "vitest";
import { createClient } from "../../client/index";
import { cachePath, testApp } from "../helpers/worker/test-env";
import { BASE_URL, clientFor, fetchThrough } from "./client-harness";

describe("edge-cache/client: entries", () => {
  it("sets, gets and deletes text, with ttl, swr, tags and content type", async () => {
    const app = await testApp({ tenants: 1 });
    const cache = clientFor(app, app.tenants[0]!);
    const stored = await cache.set("greeting", "héllo", { ttl: 60, swr: 30, tags: ["home"] });
    expect(stored).toEqual({ stored: "redis", etag: expect.stringMatching(/^"[0-9a-f]+"$/) });

    const entry = await cache.get("greeting");
    expect(entry?.text()).toBe("héllo");
    expect(entry).toMatchObject({ notModified: false, contentType: "text/plain; charset=utf-8", etag: stored.etag, cache: "HIT-L1" });
    expect(entry?.maxAge).toBeGreaterThan(55);
    expect(entry?.age).toBe(0);
    expect((await clientFor(app.otherIsolate(), app.tenants[0]!).get("greeting"))?.cache).toBe("HIT-L2");

    await cache.delete("greeting");
    expect(await cache.get("greeting")).toBeUndefined();
    await cache.delete("greeting");
  });

  it("round-trips binary values and JSON, from Uint8Array and Blob", async () => {
    const app = await testApp({ tenants: 1 });
    const cache = clientFor(app, app.tenants[0]!);
    const bytes = new Uint8Array(256).map((_, i) => i);
    await cache.set("bin", bytes);
    const bin = await cache.get("bin");
    expect(bin?.value).toEqual(bytes);
    expect(bin?.contentType).toBe("application/octet-stream");

    await cache.set("blob", new Blob([new Uint8Array([0xff, 0xfe, 0])], { type: "image/x-test" }));
    const blob = await cache.get("blob");
    expect(blob?.value).toEqual(new Uint8Array([0xff, 0xfe, 0]));
    expect(blob?.contentType).toBe("image/x-test");

    await cache.set("doc", JSON.stringify({ a: [1, 2] }), { contentType: "application/json" });
    expect((await cache.get("doc"))?.json<{ a: number[] }>()).toEqual({ a: [1, 2] });
  });

  it("percent-encodes keys whole, so '/', '?', '#', '%' and emoji stay in the key", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    const cache = clientFor(app, alice);
    for (const key of ["a/b", "../x", "q?x=1#f", "100%", "🙂 :*[]\\"]) {
      await cache.set(key, `v:${key}`);
      expect((await cache.get(key))?.text()).toBe(`v:${key}`);
      // The server reads the same key through its own encoding.
      expect(await (await app.as(alice, cachePath(key))).text()).toBe(`v:${key}`);
    }
  });

  it("refuses keys that have no URL of their own before sending anything", async () => {
    let calls = 0;
    const cache = createClient({
      baseUrl: BASE_URL,
      token: "t",
      fetch: async () => {
        calls++;
        return new Response(null);
      },
    });
    await expect(cache.get(".")).rejects.toThrow(/batch\(\)/);
    await expect(cache.delete("..")).rejects.toThrow(TypeError);
    await expect(cache.delete("")).rejects.toThrow(TypeError);
    await expect(cache.set("\ud800", "x")).rejects.toThrow(/well-formed/);
    expect(calls).toBe(0);
  });

  it("answers NotModified for a matching If-None-Match, the entry otherwise", async () => {
    const app = await testApp({ tenants: 1 });
    const cache = clientFor(app, app.tenants[0]!);
    const { etag } = await cache.set("k", "v");
    expect(await cache.get("k", { ifNoneMatch: etag })).toMatchObject({ notModified: true, etag, cache: "HIT-L1" });
    expect(await cache.get("k", { ifNoneMatch: '"other"' })).toMatchObject({ notModified: false, etag });
    expect(await cache.get("missing", { ifNoneMatch: etag })).toBeUndefined();
  });

  it("stores only when absent under ifNoneMatch '*'", async () => {
    const app = await testApp({ tenants: 1 });
    const cache = clientFor(app, app.tenants[0]!);
    expect((await cache.set("once", "first", { ifNoneMatch: "*" })).stored).toBe("redis");
    await expect(cache.set("once", "second", { ifNoneMatch: "*" })).rejects.toMatchObject({ status: 412, code: "precondition_failed" });
    expect((await cache.get("once"))?.text()).toBe("first");
  });

  it("sends the client's headers with every request, never over its Authorization", async () => {
    const app = await testApp({ tenants: 1, tenant: { record: { allowedOrigins: ["https://app.example"] } } });
    const seen: Headers[] = [];
    const through = fetchThrough(app);
    const cache = createClient({
      baseUrl: `${BASE_URL}/`,
      token: app.tenants[0]!.token,
      headers: { Origin: "https://app.example", Authorization: "Bearer nope" },
      fetch: (input, init) => {
        seen.push(new Headers(init.headers));
        return through(input, init);
      },
    });
    await cache.set("k", "v");
    expect((await cache.get("k"))?.text()).toBe("v");
    expect(seen[0]?.get("Origin")).toBe("https://app.example");
    expect(seen[0]?.get("Authorization")).toBe(`Bearer ${app.tenants[0]!.token}`);
  });
});

describe("edge-cache/client: batch", () => {
  it("runs gets, sets and deletes with typed results, binary as base64 both ways", async () => {
    const app = await testApp({ tenants: 1 });
    const cache = clientFor(app, app.tenants[0]!);
    await cache.set("old", "gone soon");
    await cache.set("raw", new Uint8Array([0xff, 0x00]));
    const result = await cache.batch({
      get: ["raw", "missing", "old"],
      set: [
        { key: "text", value: "héllo", ttl: 60, tags: ["t"] },
        { key: "bytes", value: new Uint8Array([1, 2, 255]), contentType: "application/x-bin" },
        { key: "pre-encoded", value: "AAE=", encoding: "base64" },
        { key: "..", value: new Blob(["dots"], { type: "text/x-dots" }) },
      ],
      delete: ["old"],
    });
    const [raw, missing, old] = result.get;
    expect(raw).toMatchObject({ key: "raw", status: "hit", contentType: "application/octet-stream" });
    expect(raw?.status === "hit" && raw.value).toEqual(new Uint8Array([0xff, 0x00]));
    expect(missing).toEqual({ key: "missing", status: "miss" });
    expect(old?.status === "hit" && old.text()).toBe("gone soon");
    expect(result.set.map((r) => r.status === "stored" && r.stored)).toEqual(["redis", "redis", "redis", "redis"]);
    expect(result.delete).toEqual([{ key: "old", status: "deleted" }]);

    const after = await cache.batch({ get: ["text", "bytes", "pre-encoded", "..", "old"] });
    const [text, bytes, preEncoded, dots, gone] = after.get;
    expect(text?.status === "hit" && text.text()).toBe("héllo");
    expect(bytes).toMatchObject({ status: "hit", contentType: "application/x-bin" });
    expect(bytes?.status === "hit" && bytes.value).toEqual(new Uint8Array([1, 2, 255]));
    expect(preEncoded?.status === "hit" && preEncoded.value).toEqual(new Uint8Array([0, 1]));
    expect(dots).toMatchObject({ status: "hit", contentType: "text/x-dots" });
    expect(dots?.status === "hit" && dots.text()).toBe("dots");
    expect(gone?.status).toBe("miss");
  });
});

describe("edge-cache/client: tenant operations", () => {
  it("invalidates by tag and by prefix, clears the tenant and reads its stats", async () => {
    const app = await testApp({ tenants: 2 });
    const [alice, bob] = app.tenants;
    const cache = clientFor(app, alice!);
    await cache.set("tagged", "x", { tags: ["news"] });
    await cache.set("plain", "y");
    await cache.set("product/42/price", "9");
    expect(await cache.invalidate(["news", "news"])).toEqual({ invalidated: ["news"], invalidatedPrefixes: [] });
    expect(await cache.get("tagged")).toBeUndefined();
    expect((await cache.get("plain"))?.text()).toBe("y");
    expect(await cache.invalidate({ prefixes: ["product/42/"] })).toEqual({ invalidated: [], invalidatedPrefixes: ["product/42/"] });
    expect(await cache.get("product/42/price")).toBeUndefined();
    expect((await cache.get("plain"))?.text()).toBe("y");

    await clientFor(app, bob!).set("plain", "bob's");
    await cache.clear();
    expect(await cache.get("plain")).toBeUndefined();
    expect((await clientFor(app, bob!).get("plain"))?.text()).toBe("bob's");

    const stats = await cache.stats();
    expect(stats).toMatchObject({ tenant: alice!.tenant, complete: true, l1: { isolateBudgetBytes: expect.any(Number) } });
    expect(stats.counters.sets).toBe(3);
    expect(stats.counters.misses).toBe(3);
    expect(stats.counters.l1Hits + stats.counters.l2Hits).toBe(2);
    expect(stats.counters).toMatchObject({ tagInvalidations: 1, prefixInvalidations: 1 });
  });

  it("exports every live entry through the cursor pages", async () => {
    const app = await testApp({ tenants: 1 });
    const cache = clientFor(app, app.tenants[0]!);
    const keys = Array.from({ length: 12 }, (_, i) => `k${i}`);
    await cache.batch({ set: keys.map((key) => ({ key, value: key, ttl: 120 })) });
    await cache.set("bin", new Uint8Array([0xff]));
    const first = await cache.exportPage({ count: 2 });
    expect(first.cursor).toBeDefined();
    const seen = new Map<string, unknown>();
    for await (const entry of cache.exportAll({ count: 3 })) seen.set(entry.key, entry);
    expect([...seen.keys()].sort()).toEqual([...keys, "bin"].sort());
    expect(seen.get("k1")).toEqual({
      key: "k1",
      value: "k1",
      encoding: "utf8",
      contentType: "text/plain; charset=utf-8",
      ttl: 120,
      swr: 0,
      tags: [],
    });
    expect(seen.get("bin")).toMatchObject({ value: "/w==", encoding: "base64" });
  });

  it("reads and replaces the tenant's lifetime policies, which writes without a ttl then take", async () => {
    const app = await testApp({ tenants: 1 });
    const cache = clientFor(app, app.tenants[0]!);
    const policies = [
      { prefix: "news/", ttl: 120, windows: [{ timeZone: "UTC", from: "00:00", to: "00:00", ttl: 30, closed: ["2000-01-01"] }] },
    ];
    expect(await cache.setLifetimePolicies(policies)).toEqual(policies);
    expect(await cache.lifetimePolicies()).toEqual(policies);
    const fresh = clientFor(app.otherIsolate(), app.tenants[0]!);
    await fresh.set("news/1", "v");
    const [hit] = (await fresh.batch({ get: ["news/1"] })).get;
    expect(hit && "ttl" in hit ? hit.ttl : -1).toBeGreaterThanOrEqual(29);
    expect(hit && "ttl" in hit ? hit.ttl : -1).toBeLessThanOrEqual(30);
  });
});
