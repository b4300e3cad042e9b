import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../functions/app-env";
import { exportEntries } from "../../functions/export";
import type { L2Store } from "../../shared/cache/l2-store";
import { type Operation, type OperationResult, StoreUnavailableError } from "../../shared/cache/store";
import type { TieredStore } from "../../shared/cache/tiered-store";
import { renderError } from "../../shared/errors";
import { servicesFor } from "../../shared/services";
import type { TenantRecord } from "../../shared/tenants/tenant-record";
import type { TokenRecord } from "../../shared/tenants/token-record";
import { cachePath, gatewayScope, sleep, type TestApp, type TestTenant, testApp } from "../helpers/worker/test-env";

interface Line {
  key: string;
  value: string;
  encoding: "utf8" | "base64";
  contentType: string;
  ttl: number;
  swr: number;
  tags: string[];
}

const put = (body: BodyInit, type = "text/plain") => ({ method: "PUT", body, headers: { "Content-Type": type } });
const json = (body: unknown): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});

async function page(app: TestApp, tenant: TestTenant, query = "") {
  const res = await app.as(tenant, `/v1/export${query}`);
  const text = new TextDecoder().decode(await res.arrayBuffer());
  const lines = text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Line);
  return { res, lines, next: res.headers.get("X-Next-Cursor") };
}

/** Follows the cursor to the end; every line, keyed, and how many pages it took. */
async function exportAll(app: TestApp, tenant: TestTenant, count = 100) {
  const entries = new Map<string, Line>();
  let cursor = "0";
  let pages = 0;
  do {
    const { res, lines, next } = await page(app, tenant, `?cursor=${cursor}&count=${count}`);
    expect(res.status).toBe(200);
    for (const line of lines) entries.set(line.key, line);
    cursor = next ?? "0";
    pages++;
  } while (cursor !== "0" && pages < 1000);
  return { entries, pages };
}

describe("GET /v1/export", () => {
  it("exports exactly the tenant's live entries: not another tenant's, not invalidated or expired", async () => {
    const app = await testApp();
    const [alice, bob] = app.tenants;
    await app.as(alice!, cachePath("plain", "?ttl=60&swr=30&tags=a,b"), put("héllo"));
    await app.as(alice!, cachePath("dir/sub"), put("{}", "application/json"));
    await app.as(alice!, cachePath("bin"), put(new Uint8Array([0, 0xff, 0x80]), "image/x-test"));
    await app.as(alice!, cachePath("tagged", "?tags=old"), put("hidden"));
    await app.as(alice!, cachePath("brief", "?ttl=1"), put("expires"));
    await app.as(bob!, cachePath("bobs"), put("not alice's"));
    await app.as(alice!, "/v1/invalidate", json({ tags: ["old"] }));
    await sleep(1100);

    const { res } = await page(app, alice!, "?count=1000");
    expect(res.headers.get("Content-Type")).toBe("application/x-ndjson");
    // The run's tests share one Redis: a page may end before the walk does, so follow the cursor.
    const byKey = (await exportAll(app, alice!, 1000)).entries;
    expect([...byKey.keys()].sort()).toEqual(["bin", "dir/sub", "plain"]);
    expect(byKey.get("plain")).toEqual({
      key: "plain",
      value: "héllo",
      encoding: "utf8",
      contentType: "text/plain",
      ttl: expect.any(Number),
      swr: 30,
      tags: ["a", "b"],
    });
    expect(byKey.get("plain")?.ttl).toBeGreaterThanOrEqual(58);
    expect(byKey.get("plain")?.ttl).toBeLessThanOrEqual(60);
    expect(byKey.get("bin")).toMatchObject({ value: "AP+A", encoding: "base64", contentType: "image/x-test" });
    expect(byKey.get("dir/sub")).toMatchObject({ value: "{}", contentType: "application/json", swr: 0, tags: [] });
    expect((await exportAll(app, bob!)).entries.size).toBe(1);
  });

  it("exports nothing cleared, and what was written after the clear", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    for (const key of ["a", "b", "c"]) await app.as(alice, cachePath(key), put(key));
    await app.as(alice, "/v1/cache", { method: "DELETE" });
    await app.as(alice, cachePath("after"), put("new"));
    expect([...(await exportAll(app, alice)).entries.keys()]).toEqual(["after"]);
  });

  it("exports nothing of a deleted key, whose tombstone stays in Redis for a while", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    for (const key of ["kept", "deleted"]) await app.as(alice, cachePath(key), put(key));
    await app.as(alice, cachePath("deleted"), { method: "DELETE" });
    await app.as(alice, cachePath("never written"), { method: "DELETE" });
    expect([...(await exportAll(app, alice, 1000)).entries.keys()]).toEqual(["kept"]);
  });

  it("reports a stale entry with ttl 0 and what is left of its stale window", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    await app.as(alice, cachePath("stale", "?ttl=1&swr=60"), put("old"));
    await sleep(1100);
    const line = (await exportAll(app, alice)).entries.get("stale");
    expect(line).toMatchObject({ ttl: 0, value: "old" });
    expect(line?.swr).toBeGreaterThanOrEqual(58);
    expect(line?.swr).toBeLessThanOrEqual(60);
  });

  it("pages with the cursor until it comes back 0, visiting every entry", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
    await app.as(alice, "/v1/batch", json({ set: keys.map((key) => ({ key, value: key })) }));
    const { entries, pages } = await exportAll(app, alice, 5);
    expect(pages).toBeGreaterThan(1);
    expect([...entries.keys()].sort()).toEqual([...keys].sort());
    expect(entries.get("key-7")?.value).toBe("key-7");
  });

  it("answers 503 when Redis fails, before sending any entry", async () => {
    const { control, token } = await gatewayScope();
    const app = await testApp({ tenants: 1, vars: { UPSTASH_REDIS_REST_TOKEN: token } });
    const alice = app.tenants[0]!;
    await app.as(alice, cachePath("k"), put("v"));
    // Verifies the token once, so auth is served from the isolate's cache while Redis fails.
    expect((await page(app, alice)).res.status).toBe(200);
    await control.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      const res = await app.as(alice, "/v1/export");
      expect(res.status).toBe(503);
      expect(res.headers.get("Retry-After")).toBe("1");
      expect(await res.json()).toMatchObject({ error: { code: "store_unavailable" } });
    } finally {
      await control.clearFaults();
    }
  });

  it("needs the manage scope", async () => {
    const app = await testApp({ tenants: 1 });
    const writer = await app.issueToken(app.tenants[0]!, { scopes: ["read", "write"] });
    const res = await app.as(writer, "/v1/export");
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "insufficient_scope" } });
  });

  it.each([["?cursor=abc"], ["?cursor=-1"], ["?count=0"], ["?count=1001"], ["?count=2.5"]])(
    "refuses %s with 400 invalid_query",
    async (query) => {
      const app = await testApp({ tenants: 1 });
      const res = await app.as(app.tenants[0]!, `/v1/export${query}`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_query" } });
    },
  );

  it("answers 405 to other methods", async () => {
    const app = await testApp({ tenants: 1 });
    const res = await app.as(app.tenants[0]!, "/v1/export", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET");
  });
});

/**
 * A page's keys come from SCAN, and how many of them one SCAN returns depends on everything else
 * in the shared test Redis. Here SCAN is scripted to return all the keys at once, so a page is
 * known to span several reads; the reads themselves go to the real Redis.
 */
function exportWithScriptedScan(
  app: TestApp,
  keys: string[],
  batch: (operations: readonly Operation[], real: L2Store) => Promise<OperationResult[]> = (operations, real) => real.batch(operations),
) {
  const resolved = servicesFor(app.env);
  if (!resolved.ok) throw new Error("test setup: services did not build");
  const tenant = app.tenants[0]!.tenant;
  const real = resolved.services.store.l2!;
  // The L2's key walk answers the scripted keys; reads go to the real store (or the test's stand-in).
  const l2 = {
    scanKeys: async () => ({ next: "0", keys: keys.map((key) => ({ tenant, key })) }),
    batch: (operations: readonly Operation[]) => batch(operations, real),
  };
  const store = { breaker: resolved.services.store.breaker, l2 } as unknown as TieredStore;
  const services = { ...resolved.services, store };
  const sub = new Hono<AppEnv>();
  sub.onError(renderError);
  sub.use(async (c, next) => {
    c.set("services", services);
    c.set("tenant", tenant);
    c.set("token", { scopes: ["manage"] } as unknown as TokenRecord);
    c.set("tenantRecord", { limits: {} } as unknown as TenantRecord);
    await next();
  });
  sub.route("/v1/export", exportEntries);
  return sub.request("/v1/export?count=1000", {}, app.env);
}

// At 4 MiB per value, a read carries 2 keys: 9 keys are 5 reads, the last 4 streamed.
const vars = { MAX_VALUE_BYTES: String(4 * 1024 * 1024) };

describe("GET /v1/export: a page read in several requests", () => {
  it("streams every entry of the page, in SCAN order, skipping keys with no live entry", async () => {
    const app = await testApp({ tenants: 1, vars });
    const keys = Array.from({ length: 9 }, (_, i) => `k${i}`);
    await app.as(app.tenants[0]!, "/v1/batch", json({ set: keys.map((key) => ({ key, value: `v-${key}` })) }));
    const res = await exportWithScriptedScan(app, [...keys.slice(0, 4), "absent", ...keys.slice(4)]);
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Next-Cursor")).toBe("0");
    const lines = new TextDecoder()
      .decode(await res.arrayBuffer())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { key: string; value: string });
    expect(lines.map((line) => line.key)).toEqual(keys);
    expect(lines[8]?.value).toBe("v-k8");
  });

  it("breaks the body, rather than end it short, when a later read fails", async () => {
    const app = await testApp({ tenants: 1, vars });
    const keys = ["a", "b", "c", "d", "e"];
    await app.as(app.tenants[0]!, "/v1/batch", json({ set: keys.map((key) => ({ key, value: key })) }));
    let reads = 0;
    const res = await exportWithScriptedScan(app, keys, (operations, real) =>
      ++reads === 1 ? real.batch(operations) : Promise.reject(new StoreUnavailableError("injected")),
    );
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect(reads).toBe(2);
  });
});
