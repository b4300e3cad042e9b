import { describe, expect, it } from "vitest";
import { cachePath, sleep, testApp } from "../helpers/worker/test-env";

const put = (body: string, query = "") => [query, { method: "PUT", body, headers: { "Content-Type": "text/plain" } }] as const;

describe("memory-only mode (no Redis configured)", () => {
  it("stores in memory with full TTLs and says so with 202", async () => {
    const app = await testApp({ memoryOnly: true });
    const [alice] = app.tenants;
    const [query, init] = put("v", "?ttl=2");
    const res = await app.as(alice!, cachePath("k", query), init);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ stored: "memory" });
    await sleep(1100);
    const hit = await app.as(alice!, cachePath("k"));
    expect(hit.headers.get("X-Cache")).toBe("HIT-L1");
    expect(await hit.text()).toBe("v");
    await sleep(1000);
    expect((await app.as(alice!, cachePath("k"))).status).toBe(404);
  });

  it("clears, invalidates, deletes and batches in memory", async () => {
    const app = await testApp({ memoryOnly: true });
    const [alice, bob] = app.tenants;
    const batch = await app.as(alice!, "/v1/batch", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        set: [
          { key: "t", value: "tagged", tags: ["x"] },
          { key: "u", value: "untagged" },
        ],
        get: ["t"],
      }),
    });
    expect(await batch.json()).toMatchObject({ get: [{ status: "miss" }], set: [{ stored: "memory" }, { stored: "memory" }] });
    await app.as(bob!, cachePath("u"), put("bob")[1]);
    await app.as(alice!, "/v1/invalidate", { method: "POST", headers: { "Content-Type": "application/json" }, body: '{"tags":["x"]}' });
    expect((await app.as(alice!, cachePath("t"))).status).toBe(404);
    expect(await (await app.as(alice!, cachePath("u"))).text()).toBe("untagged");
    await app.as(alice!, "/v1/cache", { method: "DELETE" });
    expect((await app.as(alice!, cachePath("u"))).status).toBe(404);
    expect(await (await app.as(bob!, cachePath("u"))).text()).toBe("bob");
  });

  it("answers every route that needs Redis with one non-retryable 501 redis_required, after authentication", async () => {
    const app = await testApp({ memoryOnly: true });
    const [alice] = app.tenants;
    const json = { "Content-Type": "application/json" };
    const plan = JSON.stringify({ schedule: "1h", targets: [{ key: "k", url: "https://example.com/k" }] });
    const calls: [string, RequestInit][] = [
      ["/v1/warm/plans", {}],
      ["/v1/warm/plans/p", { method: "PUT", headers: json, body: plan }],
      ["/v1/warm/plans/p", {}],
      ["/v1/warm/plans/p/run", { method: "POST" }],
      ["/v1/warm/runs", {}],
      ["/v1/export", {}],
    ];
    for (const [path, init] of calls) {
      const res = await app.as(alice!, path, init);
      expect(res.status, path).toBe(501);
      expect(res.headers.get("Retry-After"), path).toBeNull();
      expect(await res.json(), path).toMatchObject({ error: { code: "redis_required", message: expect.stringMatching(/memory-only/) } });
    }
    expect((await app.request("/v1/warm/plans")).status).toBe(401);
  });
});
