import { afterEach, describe, expect, it } from "vitest";
import { localMoment } from "../../shared/lifetimes/time-window";
import { cachePath } from "../helpers/worker/test-env";
import {
  warmHarness as newHarness,
  ORIGIN_HOST,
  ORIGIN_URL,
  originPrefix,
  originStats,
  setOrigin,
  storedLifetime,
  type WarmHarness,
} from "../shared/warm/warm-kit";

const plan = (prefix: string, extra: Record<string, unknown> = {}) => ({
  schedule: "1h",
  targets: [{ key: "home", url: `${ORIGIN_URL}${prefix}home` }],
  ...extra,
});

const maxAge = (response: Response) => Number(/max-age=(\d+)/.exec(response.headers.get("Cache-Control") ?? "")?.[1]);

const harnesses: WarmHarness[] = [];
afterEach(async () => {
  // Plans left behind would be due in cron runs of other test files sharing this Redis.
  for (const harness of harnesses.splice(0)) await harness.cleanUp();
});

async function warmHarness(options?: Parameters<typeof newHarness>[0]): Promise<WarmHarness> {
  const harness = await newHarness(options);
  harnesses.push(harness);
  return harness;
}

describe("warm plans API", () => {
  it("creates, reads, lists, replaces and deletes a plan", async () => {
    const warm = await warmHarness();
    const prefix = originPrefix();
    const created = await warm.putPlan("news", plan(prefix, { schedule: "5m", priority: 7 }));
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ plan: { name: "news", schedule: "*/5 * * * *", priority: 7 } });
    expect(await (await warm.as("/v1/warm/plans/news")).json()).toMatchObject({ plan: { name: "news", targets: [{ key: "home" }] } });
    expect((await warm.putPlan("news", plan(prefix))).status).toBe(200);
    await warm.putPlan("other", plan(prefix));
    const listed = (await (await warm.as("/v1/warm/plans")).json()) as { plans: { name: string; schedule: string }[] };
    expect(listed.plans.map((p) => [p.name, p.schedule])).toEqual([
      ["news", "0 * * * *"],
      ["other", "0 * * * *"],
    ]);
    expect((await warm.as("/v1/warm/plans/news", { method: "DELETE" })).status).toBe(204);
    expect((await warm.as("/v1/warm/plans/news", { method: "DELETE" })).status).toBe(204);
    const missing = await warm.as("/v1/warm/plans/news");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("refuses undeclared schedules, bad names and bodies, naming the problem", async () => {
    const warm = await warmHarness();
    const prefix = originPrefix();
    const undeclared = await warm.putPlan("p", plan(prefix, { schedule: "*/10 * * * *" }));
    expect(undeclared.status).toBe(400);
    expect(await undeclared.json()).toMatchObject({ error: { code: "invalid_body", message: expect.stringMatching(/^schedule: /) } });
    expect((await warm.putPlan("bad:name", plan(prefix))).status).toBe(400);
    expect((await warm.putPlan("p", { schedule: "1h", targets: [] })).status).toBe(400);
    const notJson = await warm.as("/v1/warm/plans/p", { method: "PUT", body: "{}", headers: { "Content-Type": "text/plain" } });
    expect(notJson.status).toBe(415);
    expect((await warm.as("/v1/warm/plans", { method: "POST" })).status).toBe(405);
  });

  it("holds each tenant to its own caps: plans (409), keys per plan (400) and plan size (413), each named", async () => {
    const warm = await warmHarness({ limits: { warmPlans: 2, warmTargetsPerPlan: 3, warmPlanBytes: 1024 } });
    const prefix = originPrefix();
    const keys = (n: number) => ({
      schedule: "1h",
      targets: [{ urlTemplate: `${ORIGIN_URL}${prefix}{key}`, keys: Array.from({ length: n }, (_, i) => `k${i}`) }],
    });
    expect((await warm.putPlan("a", keys(3))).status).toBe(201);
    expect((await warm.putPlan("b", keys(1))).status).toBe(201);
    const third = await warm.putPlan("c", keys(1));
    expect(third.status).toBe(409);
    expect(await third.json()).toMatchObject({ error: { code: "conflict", message: expect.stringContaining("2 warm plans") } });
    expect((await warm.putPlan("a", keys(2))).status).toBe(200);
    const wide = await warm.putPlan("a", keys(4));
    expect(wide.status).toBe(400);
    expect(await wide.json()).toMatchObject({ error: { code: "invalid_body", message: expect.stringContaining("at most 3 keys") } });
    const big = await warm.putPlan("a", {
      ...plan(prefix),
      ttlRules: [],
      targets: [{ key: "k", url: `${ORIGIN_URL}${prefix}${"x".repeat(1100)}` }],
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: { code: "payload_too_large", message: expect.stringContaining("1024 bytes") } });
    // Refused writes changed nothing.
    expect(await (await warm.as("/v1/warm/plans/a")).json()).toMatchObject({ plan: { targets: [{ keys: ["k0", "k1"] }] } });
  });

  it("applies the deployment's caps to a tenant without limits of its own", async () => {
    const warm = await warmHarness({ vars: { WARM_MAX_PLANS: "1", WARM_MAX_TARGETS_PER_PLAN: "2" } });
    const prefix = originPrefix();
    const three = { schedule: "1h", targets: [{ urlTemplate: `${ORIGIN_URL}${prefix}{key}`, keys: ["a", "b", "c"] }] };
    expect((await warm.putPlan("a", three)).status).toBe(400);
    expect((await warm.putPlan("a", plan(prefix))).status).toBe(201);
    expect((await warm.putPlan("b", plan(prefix))).status).toBe(409);
  });

  it("refuses origins outside the tenant's allowlist when the plan is saved", async () => {
    const warm = await warmHarness({ originHosts: ["api.example.com"] });
    const refused = await warm.putPlan("p", plan(originPrefix()));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: "invalid_body", message: expect.stringContaining("allowlist") } });
  });

  it("never echoes credential-like origin headers", async () => {
    const warm = await warmHarness();
    const prefix = originPrefix();
    const headers = { Authorization: "Bearer origin-secret", "X-Api-Key": "k-123", Accept: "text/html" };
    await warm.putPlan("p", { schedule: "1h", targets: [{ key: "k", url: `${ORIGIN_URL}${prefix}k`, headers }] });
    const text = await (await warm.as("/v1/warm/plans/p")).text();
    expect(text).not.toContain("origin-secret");
    expect(text).not.toContain("k-123");
    expect(JSON.parse(text)).toMatchObject({ plan: { targets: [{ headers: { Authorization: "[redacted]", Accept: "text/html" } }] } });
  });

  it("keeps plans per tenant: another tenant can neither see, run nor delete them", async () => {
    const warm = await warmHarness();
    await warm.putPlan("mine", plan(originPrefix()));
    const other = (await warm.base.addTenant({ record: { originHosts: [ORIGIN_HOST] } })).token;
    expect(await (await warm.as("/v1/warm/plans", {}, other)).json()).toEqual({ plans: [] });
    expect((await warm.as("/v1/warm/plans/mine", {}, other)).status).toBe(404);
    expect((await warm.as("/v1/warm/plans/mine/run", { method: "POST" }, other)).status).toBe(404);
    expect((await warm.as("/v1/warm/plans/mine", { method: "DELETE" }, other)).status).toBe(204);
    expect((await warm.as("/v1/warm/plans/mine")).status).toBe(200);
    expect(await (await warm.as("/v1/warm/runs", {}, other)).json()).toEqual({ runs: [] });
  });

  it("needs the manage scope", async () => {
    const warm = await warmHarness({ scopes: ["read", "write"] });
    const refused = await warm.putPlan("p", plan(originPrefix()));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: "insufficient_scope" } });
  });

  it("runs a plan now: origins land in L2 with their content type, and the run is in the history", async () => {
    const warm = await warmHarness();
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "<h1>home</h1>", contentType: "text/html; charset=utf-8" });
    await warm.putPlan("site", {
      schedule: "1h",
      targets: [{ urlTemplate: `${ORIGIN_URL}${prefix}{key}`, keys: ["a", "b", "c"], tags: ["site"] }],
    });
    const run = await warm.as("/v1/warm/plans/site/run", { method: "POST" });
    expect(run.status).toBe(200);
    expect(await run.json()).toMatchObject({
      run: { plan: "site", trigger: "manual", total: 3, ok: 3, failed: 0, finished: true, cursor: null },
    });
    const read = await warm.base.as(warm.tenant, cachePath("b"));
    expect(read.status).toBe(200);
    expect(read.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(await read.text()).toBe("<h1>home</h1>");
    const history = (await (await warm.as("/v1/warm/runs")).json()) as { runs: { plan: string; ok: number; bytes: number }[] };
    expect(history.runs).toMatchObject([{ plan: "site", ok: 3, bytes: 3 * "<h1>home</h1>".length }]);
    expect((await warm.as("/v1/warm/plans/nope/run", { method: "POST" })).status).toBe(404);
  });

  it("stores only 2xx answers and records the others without their URL", async () => {
    const warm = await warmHarness();
    const prefix = originPrefix();
    await setOrigin(`${prefix}missing`, { status: 404 });
    await warm.putPlan("p", {
      schedule: "1h",
      targets: [
        { key: "ok", url: `${ORIGIN_URL}${prefix}ok?token=secret-in-url` },
        { key: "missing", url: `${ORIGIN_URL}${prefix}missing?token=secret-in-url` },
      ],
    });
    const run = await warm.as("/v1/warm/plans/p/run", { method: "POST" });
    const text = await run.text();
    expect(JSON.parse(text)).toMatchObject({ run: { ok: 1, failed: 1, errors: [{ key: "missing", reason: "status", status: 404 }] } });
    expect(text).not.toContain("secret-in-url");
    expect((await warm.base.as(warm.tenant, cachePath("missing"))).status).toBe(404);
  });

  it("revalidates with If-None-Match on the next run: a 304 extends the TTL without a download", async () => {
    const warm = await warmHarness();
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "v1", etag: '"etag-1"' });
    await warm.putPlan("p", plan(prefix, { ttl: 600 }));
    await warm.as("/v1/warm/plans/p/run", { method: "POST" });
    const second = await warm.as("/v1/warm/plans/p/run", { method: "POST" });
    expect(await second.json()).toMatchObject({ run: { ok: 0, notModified: 1, bytes: 0 } });
    expect((await originStats(prefix)).paths[`${prefix}home`]).toMatchObject({
      hits: 2,
      conditional: 1,
      notModified: 1,
      lastIfNoneMatch: '"etag-1"',
    });
    const read = await warm.base.as(warm.tenant, cachePath("home"));
    expect(await read.text()).toBe("v1");
    expect(maxAge(read)).toBeGreaterThan(590);
  });

  it("applies a time-window TTL rule when it writes, and the plan's TTL outside the window", async () => {
    const warm = await warmHarness();
    const prefix = originPrefix();
    const zone = "America/New_York";
    const { day } = localMoment(Date.now(), zone);
    // A window covering the whole of today (from == to), and one on no day it is now.
    const otherDays = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"].filter((d) => d !== day);
    await warm.putPlan("today", {
      schedule: "1h",
      ttl: 60,
      ttlRules: [{ timeZone: zone, days: [day], from: "00:00", to: "00:00", ttl: 7200, swr: 30 }],
      targets: [{ key: "in-window", url: `${ORIGIN_URL}${prefix}a` }],
    });
    await warm.putPlan("not-today", {
      schedule: "1h",
      ttl: 60,
      ttlRules: [{ timeZone: zone, days: otherDays, from: "00:00", to: "00:00", ttl: 7200 }],
      targets: [{ key: "outside", url: `${ORIGIN_URL}${prefix}b` }],
    });
    await warm.as("/v1/warm/plans/today/run", { method: "POST" });
    await warm.as("/v1/warm/plans/not-today/run", { method: "POST" });
    expect(maxAge(await warm.base.as(warm.tenant, cachePath("in-window")))).toBeGreaterThan(3600);
    expect(maxAge(await warm.base.as(warm.tenant, cachePath("outside")))).toBeLessThanOrEqual(60);
  });

  it("gives warm writes the tenant's lifetime policies: a target's own ttl, then a policy by the origin's content type, then the plan's", async () => {
    const warm = await warmHarness();
    const jsonOrigin = originPrefix();
    const textOrigin = originPrefix();
    await setOrigin(jsonOrigin, { body: "{}", contentType: "application/json; charset=utf-8" });
    await setOrigin(textOrigin, { body: "text", contentType: "text/plain" });
    await warm.putLifetimePolicies([
      { prefix: "quote/", ttl: 600, windows: [{ timeZone: "UTC", from: "00:00", to: "00:00", ttl: 5, swr: 5 }] },
      { glob: "*", contentType: "application/json", ttl: 7200, swr: 30 },
    ]);
    await warm.putPlan("mixed", {
      schedule: "1h",
      ttl: 60,
      swr: 10,
      targets: [
        { key: "doc", url: `${ORIGIN_URL}${jsonOrigin}doc` },
        { key: "page", url: `${ORIGIN_URL}${textOrigin}page` },
        { key: "pinned", url: `${ORIGIN_URL}${jsonOrigin}pinned`, ttl: 30 },
        { key: "quote/AAPL", url: `${ORIGIN_URL}${textOrigin}quote` },
      ],
    });
    // A fresh isolate reads the tenant record with its policies.
    const run = await warm.base.otherIsolate().as(warm.tenant, "/v1/warm/plans/mixed/run", { method: "POST" });
    expect(((await run.json()) as { run: { ok: number } }).run.ok).toBe(4);
    const tenant = warm.tenant.tenant;
    expect(await storedLifetime(tenant, "doc")).toEqual({ ttl: 7200, swr: 30 });
    expect(await storedLifetime(tenant, "page")).toEqual({ ttl: 60, swr: 10 });
    expect(await storedLifetime(tenant, "pinned")).toEqual({ ttl: 30, swr: 10 });
    // The window open all day, every day, wins over its policy's own lifetime.
    expect(await storedLifetime(tenant, "quote/AAPL")).toEqual({ ttl: 5, swr: 5 });
  });
});
