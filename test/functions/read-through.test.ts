import { afterEach, describe, expect, it } from "vitest";
import { cachePath, sleep } from "../helpers/worker/test-env";
import { ORIGIN_URL, originPrefix, originStats, setOrigin, storedLifetime, type WarmHarness, warmHarness } from "../shared/warm/warm-kit";

let harness: WarmHarness | undefined;
afterEach(async () => {
  await harness?.cleanUp();
  harness = undefined;
});

async function withPlan(prefix: string, target: Record<string, unknown> = {}, vars: Record<string, string> = {}) {
  harness = await warmHarness({ vars });
  const res = await harness.putPlan("reads", {
    schedule: "1h",
    targets: [{ key: "page", url: `${ORIGIN_URL}${prefix}page`, ttl: 60, ...target }],
  });
  expect(res.status).toBeLessThan(300);
  return harness;
}

describe("read-through for keys with an origin", () => {
  it("fills a miss from the origin once, then serves it from memory", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "from origin", contentType: "text/html; charset=utf-8" });
    const warm = await withPlan(prefix);
    const first = await warm.as(cachePath("page"));
    expect(first.status).toBe(200);
    expect(first.headers.get("X-Cache")).toBe("MISS");
    expect(first.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(await first.text()).toBe("from origin");
    const second = await warm.as(cachePath("page"));
    expect(second.headers.get("X-Cache")).toBe("HIT-L1");
    expect((await originStats(prefix)).total).toBe(1);
  });

  it("makes one origin fetch for many concurrent misses in two isolates", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "shared", delayMs: 150 });
    const warm = await withPlan(prefix);
    const other = warm.base.otherIsolate();
    const reads = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? warm.as(cachePath("page")) : other.as(warm.tenant, cachePath("page")))),
    );
    expect(reads.map((res) => res.status)).toEqual(Array(40).fill(200));
    expect(await Promise.all(reads.map((res) => res.text()))).toEqual(Array(40).fill("shared"));
    expect((await originStats(prefix)).total).toBe(1);
  });

  it("serves a stale hit at once and refreshes it from the origin behind the response", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "v1" });
    const warm = await withPlan(prefix, { ttl: 1, swr: 60 }, { L1_MAX_TTL_SECONDS: "0" });
    expect(await (await warm.as(cachePath("page"))).text()).toBe("v1");
    await setOrigin(prefix, { body: "v2", etag: null });
    await sleep(1100);
    const stale = await warm.as(cachePath("page"));
    expect(stale.headers.get("X-Cache")).toBe("STALE");
    expect(await stale.text()).toBe("v1");
    // The refresh ran in waitUntil, which the harness awaited.
    const fresh = await warm.as(cachePath("page"));
    expect(fresh.headers.get("X-Cache")).not.toBe("STALE");
    expect(await fresh.text()).toBe("v2");
  });

  it("answers 502 when the origin fails and nothing is cached, 404 when it has no such resource or there is no origin", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { status: 500 });
    const warm = await withPlan(prefix);
    const failed = await warm.as(cachePath("page"));
    expect(failed.status).toBe(502);
    expect(await failed.json()).toMatchObject({ error: { code: "origin_unavailable" } });
    expect((await warm.as(cachePath("no-origin"))).status).toBe(404);
    await setOrigin(prefix, { status: 404 });
    const gone = await warm.base.otherIsolate().as(warm.tenant, cachePath("page"));
    expect(gone.status).toBe(404);
    expect(gone.headers.get("X-Cache")).toBe("MISS");
  });

  it("asks Redis once whether a tenant without plans has origins: its next misses cost only their entry read", async () => {
    harness = await warmHarness();
    expect((await harness.as(cachePath("first"))).status).toBe(404);
    await harness.gateway.resetCounters();
    for (const key of ["second", "third", "fourth"]) expect((await harness.as(cachePath(key))).status).toBe(404);
    expect((await harness.gateway.counters()).requests.total).toBe(3);
  });

  it("reuses a key's answer for the plan cache time: a plan edit reaches a cold isolate at once, this one later", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "planned" });
    const warm = await withPlan(prefix);
    expect((await warm.as(cachePath("added"))).status).toBe(404);
    await warm.putPlan("more", { schedule: "1h", targets: [{ key: "added", url: `${ORIGIN_URL}${prefix}added` }] });
    // This isolate still holds "no origin" for the key; a cold one looks it up.
    expect((await warm.as(cachePath("added"))).status).toBe(404);
    expect(await (await warm.base.otherIsolate().as(warm.tenant, cachePath("added"))).text()).toBe("planned");
  });

  it("never fetches an origin the tenant's allowlist no longer names", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "secret" });
    const warm = await withPlan(prefix);
    const patched = await warm.base.admin(`/admin/tenants/${warm.tenant.tenant}`, {
      method: "PATCH",
      body: JSON.stringify({ originHosts: ["api.example.com"] }),
      headers: { "Content-Type": "application/json" },
    });
    expect(patched.status).toBe(200);
    // A fresh isolate reads the tenant record again.
    const other = warm.base.otherIsolate();
    expect((await other.as(warm.tenant, cachePath("page"))).status).toBe(502);
    expect((await originStats(prefix)).total).toBe(0);
  });

  it("fills a miss with the lifetime the tenant's policy gives the origin's content type, unless its target gives a ttl", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "{}", contentType: "application/json" });
    harness = await warmHarness();
    await harness.putPlan("reads", {
      schedule: "1h",
      ttl: 60,
      targets: [
        { key: "doc", url: `${ORIGIN_URL}${prefix}doc` },
        { key: "pinned", url: `${ORIGIN_URL}${prefix}pinned`, ttl: 20 },
      ],
    });
    await harness.putLifetimePolicies([{ glob: "*", contentType: "application/json", ttl: 900, swr: 60 }]);
    // A fresh isolate reads the tenant record with its policies.
    const reader = harness.base.otherIsolate();
    for (const key of ["doc", "pinned"]) expect((await reader.as(harness.tenant, cachePath(key))).headers.get("X-Cache")).toBe("MISS");
    expect(await storedLifetime(harness.tenant.tenant, "doc")).toEqual({ ttl: 900, swr: 60 });
    expect(await storedLifetime(harness.tenant.tenant, "pinned")).toEqual({ ttl: 20, swr: 0 });
  });
});
