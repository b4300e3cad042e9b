import { describe, expect, it } from "vitest";
import { cachePath, testApp } from "../helpers/worker/test-env";

const put = (body: string | Uint8Array, query = "") =>
  [query, { method: "PUT", body, headers: { "Content-Type": "application/octet-stream" } }] as const;
const json = (body: unknown): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});

describe("API4 unrestricted resource consumption", () => {
  it("holds each tenant to its own value size and TTL limits, within the deployment's", async () => {
    const app = await testApp({
      tenants: 1,
      tenant: { record: { limits: { maxValueBytes: 100, maxTtlSeconds: 60, defaultTtlSeconds: 30 } } },
    });
    const alice = app.tenants[0]!;
    const [, big] = put("x".repeat(101));
    expect((await app.as(alice, cachePath("k"), big)).status).toBe(413);
    const [, ok] = put("x".repeat(100));
    expect((await app.as(alice, cachePath("k", "?ttl=61"), ok)).status).toBe(400);
    expect((await app.as(alice, cachePath("k"), ok)).status).toBe(201);
    expect((await app.as(alice, cachePath("k"))).headers.get("Cache-Control")).toMatch(/max-age=(29|30)$/);
    const batch = await app.as(alice, "/v1/batch", json({ set: [{ key: "b", value: "y".repeat(101) }] }));
    expect(batch.status).toBe(413);
  });

  it("refuses oversized keys, batches, tag lists and JSON bodies before doing work", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    expect((await app.as(alice, `/v1/cache/${"k".repeat(513)}`)).status).toBe(400);
    expect((await app.as(alice, "/v1/batch", json({ get: Array.from({ length: 101 }, (_, i) => `k${i}`) }))).status).toBe(413);
    expect((await app.as(alice, "/v1/invalidate", json({ tags: Array.from({ length: 101 }, (_, i) => `t${i}`) }))).status).toBe(400);
    expect((await app.as(alice, "/v1/invalidate", json({ tags: ["t"], pad: "x".repeat(70 * 1024) }))).status).toBe(413);
  });

  it("rate-limits a tenant with 429, Retry-After and RateLimit headers", async () => {
    const app = await testApp({ tenants: 2, tenant: { record: { limits: { rateLimit: { requests: 3, windowSeconds: 60 } } } } });
    const [alice, bob] = app.tenants;
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 5; i++) {
      last = await app.as(alice!, cachePath("k"));
      statuses.push(last.status);
    }
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
    expect(Number(last!.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(last!.headers.get("RateLimit-Limit")).toBe("3");
    expect(last!.headers.get("RateLimit-Remaining")).toBe("0");
    expect(last!.headers.get("RateLimit-Policy")).toBe("3;w=60");
    expect(await last!.json()).toMatchObject({ error: { code: "rate_limited" } });
    // Limits are per tenant: another tenant's budget is untouched.
    expect((await app.as(bob!, cachePath("k"))).status).toBe(404);
  });

  it("counts a tenant's limit across isolates (in Redis)", async () => {
    const app = await testApp({ tenants: 1, tenant: { record: { limits: { rateLimit: { requests: 2, windowSeconds: 60 } } } } });
    const alice = app.tenants[0]!;
    await app.as(alice, cachePath("k"));
    await app.otherIsolate().as(alice, cachePath("k"));
    expect((await app.otherIsolate().as(alice, cachePath("k"))).status).toBe(429);
  });

  it("applies a token's own limit on top of the tenant's", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    const limited = await app.issueToken(alice, { scopes: ["read"], rateLimit: { requests: 1, windowSeconds: 60 } });
    expect((await app.as(limited, cachePath("k"))).status).toBe(404);
    expect((await app.as(limited, cachePath("k"))).status).toBe(429);
    expect((await app.as(alice, cachePath("k"))).status).toBe(404);
  });

  it("still limits in memory-only mode, per isolate", async () => {
    const app = await testApp({
      tenants: 1,
      memoryOnly: true,
      tenant: { record: { limits: { rateLimit: { requests: 2, windowSeconds: 60 } } } },
    });
    const alice = app.tenants[0]!;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.as(alice, cachePath("k"))).status);
    expect(statuses).toEqual([404, 404, 429]);
  });
});
