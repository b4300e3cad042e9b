import { afterEach, describe, expect, it } from "vitest";
import { createEntry, type Entry } from "../../shared/cache/entry";
import { UpstashStore } from "../../shared/cache/upstash/upstash-store";
import { warmLeaseRedisKey } from "../../shared/redis/key-layout";
import { recordAccess } from "../../shared/warm/access-counts";
import { acquireLease, releaseLease } from "../../shared/warm/lease";
import type { WarmRunRecord } from "../../shared/warm/run-record";
import { cachePath, redisRunner } from "../helpers/worker/test-env";
import { ORIGIN_URL, originPrefix, originStats, setOrigin, storedLifetime, type WarmHarness, warmHarness } from "../shared/warm/warm-kit";

const EVERY_5M = "*/5 * * * *";
const EVERY_MINUTE = "* * * * *";
const runner = redisRunner();
const store = new UpstashStore({ runner, codec: { compressionThresholdBytes: 1024 } });
const keys = (n: number) => Array.from({ length: n }, (_, i) => `k${String(i).padStart(2, "0")}`);

let warm: WarmHarness | undefined;
afterEach(async () => {
  // Plans left behind would be due in the next test's cron runs.
  await warm?.cleanUp();
  warm = undefined;
});

async function harness(budget = 50) {
  warm = await warmHarness({ budget });
  return warm;
}

async function runs(h: WarmHarness, plan: string): Promise<WarmRunRecord[]> {
  const body = (await (await h.as(`/v1/warm/runs?plan=${plan}`)).json()) as { runs: WarmRunRecord[] };
  return body.runs;
}

async function entryOf(h: WarmHarness, key: string): Promise<Entry | undefined> {
  return (await store.get({ tenant: h.tenant.tenant, key }))?.entry;
}

// A new plan is due at its schedule's next slot: the tests fire their triggers from there.
const nextSlot = () => Math.floor(Date.now() / 300_000) * 300_000 + 300_000;

describe("scheduled warming", () => {
  it("keeps one invocation within the subrequest budget, Redis requests and origin fetches together", async () => {
    const h = await harness(20);
    const prefix = originPrefix();
    await h.putPlan("big", { schedule: "5m", targets: [{ urlTemplate: `${ORIGIN_URL}${prefix}{key}`, keys: keys(30) }] });
    await h.gateway.resetCounters();
    await h.cron(EVERY_5M, nextSlot());
    const redisRequests = (await h.gateway.counters()).requests.total;
    const originFetches = (await originStats(prefix)).total;
    expect(redisRequests + originFetches).toBeLessThanOrEqual(20);
    expect(originFetches).toBeGreaterThan(0);
    const [chunk] = await runs(h, "big");
    expect(chunk).toMatchObject({
      trigger: "cron",
      finished: false,
      from: 0,
      total: 30,
      ok: originFetches,
      cursor: originFetches,
      stoppedBy: "budget",
    });
  });

  it("counts origin retries against the budget too, and still moves past failing targets", async () => {
    const h = await harness(20);
    const prefix = originPrefix();
    await setOrigin(prefix, { failTimes: 1000 });
    await h.putPlan("failing", {
      schedule: "5m",
      limits: { retries: 2 },
      targets: [{ urlTemplate: `${ORIGIN_URL}${prefix}{key}`, keys: keys(30) }],
    });
    await h.gateway.resetCounters();
    await h.cron(EVERY_5M, nextSlot());
    const originFetches = (await originStats(prefix)).total;
    expect((await h.gateway.counters()).requests.total + originFetches).toBeLessThanOrEqual(20);
    const [chunk] = await runs(h, "failing");
    // Retries were made and paid for, and a failing origin still lets the cursor move on.
    expect(chunk?.failed).toBeGreaterThan(0);
    expect(chunk?.cursor).toBe(chunk?.failed);
    expect(originFetches).toBeGreaterThan(chunk?.failed ?? 0);
  });

  it("resumes a plan larger than one invocation from its cursor until it finishes, fetching each target once", async () => {
    const h = await harness(20);
    const prefix = originPrefix();
    await h.putPlan("big", { schedule: "5m", targets: [{ urlTemplate: `${ORIGIN_URL}${prefix}{key}`, keys: keys(30) }] });
    const start = nextSlot();
    let chunks: WarmRunRecord[] = [];
    for (let i = 0; i < 10 && !chunks[0]?.finished; i++) {
      // Resumes on any trigger, not only the plan's own.
      await h.cron(i % 2 === 0 ? EVERY_5M : EVERY_MINUTE, start + i * 1000);
      chunks = await runs(h, "big");
    }
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks[0]).toMatchObject({ finished: true, cursor: null, to: 30 });
    const ordered = [...chunks].reverse();
    expect(new Set(ordered.map((c) => c.runId)).size).toBe(1);
    expect(ordered.map((chunk) => chunk.from)).toEqual([0, ...ordered.slice(0, -1).map((chunk) => chunk.to)]);
    expect(ordered.reduce((sum, c) => sum + c.ok, 0)).toBe(30);
    expect((await originStats(prefix)).total).toBe(30);
    const batch = await h.base.as(h.tenant, "/v1/batch", {
      method: "POST",
      body: JSON.stringify({ get: keys(30) }),
      headers: { "Content-Type": "application/json" },
    });
    const got = (await batch.json()) as { get: { status: string }[] };
    expect(got.get.every((r) => r.status === "hit")).toBe(true);
    // Finished for this slot: a later trigger in the same slot does not start it again.
    await h.cron(EVERY_5M, start + 20_000);
    expect((await originStats(prefix)).total).toBe(30);
  });

  it("treats a doubled delivery of a trigger as done and runs again in the next slot", async () => {
    const h = await harness();
    const prefix = originPrefix();
    await h.putPlan("p", { schedule: "5m", targets: [{ urlTemplate: `${ORIGIN_URL}${prefix}{key}`, keys: ["a", "b"] }] });
    const start = nextSlot();
    await h.cron(EVERY_5M, start);
    await h.cron(EVERY_5M, start);
    expect((await originStats(prefix)).total).toBe(2);
    await h.cron(EVERY_MINUTE, start + 60_000); // the same slot, from another trigger: already run
    expect((await originStats(prefix)).total).toBe(2);
    await h.cron(EVERY_5M, start + 300_000);
    expect((await originStats(prefix)).total).toBe(4);
    expect(await runs(h, "p")).toHaveLength(2);
  });

  it("does not run a plan while another run holds its lease", async () => {
    const h = await harness();
    const prefix = originPrefix();
    await h.putPlan("p", { schedule: "5m", targets: [{ urlTemplate: `${ORIGIN_URL}${prefix}{key}`, keys: ["a", "b"] }] });
    const held = await acquireLease(runner, warmLeaseRedisKey(h.tenant.tenant, "p"), 60_000);
    const start = nextSlot();
    await h.cron(EVERY_5M, start);
    expect((await originStats(prefix)).total).toBe(0);
    expect(await runs(h, "p")).toEqual([]);
    expect((await h.as("/v1/warm/plans/p/run", { method: "POST" })).status).toBe(409);
    if (held) await releaseLease(runner, held);
    // Still due: the next tick runs it, without waiting for the claim to expire.
    await h.cron(EVERY_MINUTE, start + 60_000);
    expect((await originStats(prefix)).total).toBe(2);
  });

  it("two overlapping invocations warm each target once", async () => {
    const h = await harness();
    const prefix = originPrefix();
    await setOrigin(prefix, { delayMs: 200 });
    await h.putPlan("p", { schedule: "5m", targets: [{ urlTemplate: `${ORIGIN_URL}${prefix}{key}`, keys: keys(4) }] });
    const start = nextSlot();
    await Promise.all([h.cron(EVERY_5M, start), h.cron(EVERY_5M, start + 500)]);
    expect((await originStats(prefix)).total).toBe(4);
    expect(await runs(h, "p")).toHaveLength(1);
  });

  it("revalidates with If-Modified-Since when the origin gives only Last-Modified, and a 304 extends the TTL", async () => {
    const h = await harness();
    const prefix = originPrefix();
    const lastModified = "Wed, 21 Oct 2026 07:28:00 GMT";
    await setOrigin(prefix, { body: "v1", etag: null, lastModified });
    await h.putPlan("p", { schedule: "5m", ttl: 600, targets: [{ key: "page", url: `${ORIGIN_URL}${prefix}page` }] });
    const start = nextSlot();
    await h.cron(EVERY_5M, start);
    const first = await entryOf(h, "page");
    await h.cron(EVERY_5M, start + 300_000);
    const second = await entryOf(h, "page");
    expect((await originStats(prefix)).paths[`${prefix}page`]).toMatchObject({
      hits: 2,
      notModified: 1,
      lastIfModifiedSince: lastModified,
    });
    expect((await runs(h, "p"))[0]).toMatchObject({ notModified: 1, ok: 0 });
    expect(second && new TextDecoder().decode(second.value)).toBe("v1");
    expect(second?.origin).toEqual({ url: `${ORIGIN_URL}${prefix}page`, lastModified });
    expect(second?.freshUntil).toBeGreaterThan(first?.freshUntil ?? Number.POSITIVE_INFINITY);
  });

  it("a failing origin leaves the old value served as stale and the failure in the run history", async () => {
    const h = await harness();
    const prefix = originPrefix();
    const url = `${ORIGIN_URL}${prefix}page`;
    // Fresh for 1 s ten seconds ago: stale now, servable for an hour.
    const old = await createEntry(
      {
        value: new TextEncoder().encode("old value"),
        contentType: "text/plain",
        ttlSeconds: 1,
        swrSeconds: 3600,
        tags: [],
        origin: { url },
      },
      Date.now() - 10_000,
    );
    await store.set({ tenant: h.tenant.tenant, key: "page" }, old);
    await setOrigin(prefix, { failTimes: 1000 });
    await h.putPlan("p", { schedule: "5m", targets: [{ key: "page", url }] });
    await h.cron(EVERY_5M, nextSlot());
    expect((await runs(h, "p"))[0]).toMatchObject({
      finished: true,
      ok: 0,
      failed: 1,
      errors: [{ key: "page", reason: "status", status: 503 }],
    });
    const read = await h.base.as(h.tenant, cachePath("page"));
    expect(read.status).toBe(200);
    expect(read.headers.get("X-Cache")).toBe("STALE");
    expect(await read.text()).toBe("old value");
  });

  it("refreshes a hot key before it expires, and leaves cold keys and keys far from expiry alone", async () => {
    const h = await harness();
    const prefix = originPrefix();
    await h.putPlan("p", {
      schedule: "1h",
      targets: [
        { key: "hot-soon", url: `${ORIGIN_URL}${prefix}hot-soon`, ttl: 30 },
        { key: "hot-later", url: `${ORIGIN_URL}${prefix}hot-later`, ttl: 86_400 },
        { key: "cold-soon", url: `${ORIGIN_URL}${prefix}cold-soon`, ttl: 30 },
      ],
    });
    // Run by hand: the plan itself is not due until the next hour.
    await h.as("/v1/warm/plans/p/run", { method: "POST" });
    for (const key of ["hot-soon", "hot-later"])
      for (let i = 0; i < 3; i++) await recordAccess(runner, { tenant: h.tenant.tenant, key }, { sampleRate: 16, random: () => 0 });
    const before = await entryOf(h, "hot-soon");
    await h.cron(EVERY_MINUTE);
    const after = await entryOf(h, "hot-soon");
    const paths = (await originStats(prefix)).paths;
    expect(paths[`${prefix}hot-soon`]).toMatchObject({ hits: 2, conditional: 1, notModified: 1 });
    expect(paths[`${prefix}hot-later`]?.hits).toBe(1);
    expect(paths[`${prefix}cold-soon`]?.hits).toBe(1);
    // Refreshed while still fresh, and fresh for longer afterwards.
    expect(before && before.freshUntil > Date.now()).toBe(true);
    expect(after?.freshUntil).toBeGreaterThan(before?.freshUntil ?? Number.POSITIVE_INFINITY);
    expect(after && after.freshUntil - after.createdAt).toBe(30_000);
  });

  it("writes a cron run's entries with the tenant's lifetime policies, read from its record when the run starts", async () => {
    const h = await harness();
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "{}", contentType: "application/json" });
    await h.putPlan("quotes", {
      schedule: "5m",
      ttl: 60,
      targets: [{ urlTemplate: `${ORIGIN_URL}${prefix}{key}`, keys: ["quote/AAPL", "news"] }],
    });
    await h.putLifetimePolicies([{ prefix: "quote/", contentType: "application/json", ttl: 15, swr: 3 }]);
    await h.cron(EVERY_5M, nextSlot());
    expect(await storedLifetime(h.tenant.tenant, "quote/AAPL")).toEqual({ ttl: 15, swr: 3 });
    expect(await storedLifetime(h.tenant.tenant, "news")).toEqual({ ttl: 60, swr: 0 });
  });

  it("refreshes a hot key as its warm write made now: the plan's current target and the lifetime a policy gives it now", async () => {
    const h = await harness();
    const prefix = originPrefix();
    await h.putPlan("p", {
      schedule: "1h",
      ttl: 30,
      targets: [
        { key: "hot", url: `${ORIGIN_URL}${prefix}v1` },
        { key: "orphan", url: `${ORIGIN_URL}${prefix}orphan` },
      ],
    });
    await h.as("/v1/warm/plans/p/run", { method: "POST" });
    expect(await storedLifetime(h.tenant.tenant, "hot")).toEqual({ ttl: 30, swr: 0 });
    // After the first write: the plan moves the key to another URL and drops the other key; a policy now covers it.
    await h.putPlan("p", {
      schedule: "1h",
      ttl: 30,
      targets: [{ key: "hot", url: `${ORIGIN_URL}${prefix}v2`, headers: { "X-Edition": "2" } }],
    });
    await h.putLifetimePolicies([{ prefix: "hot", ttl: 45, swr: 5 }]);
    for (const key of ["hot", "orphan"])
      for (let i = 0; i < 3; i++) await recordAccess(runner, { tenant: h.tenant.tenant, key }, { sampleRate: 16, random: () => 0 });
    await h.cron(EVERY_MINUTE);
    const paths = (await originStats(prefix)).paths;
    expect(paths[`${prefix}v2`]).toMatchObject({ hits: 1, conditional: 0, lastXHeaders: { "x-edition": "2" } });
    expect(paths[`${prefix}orphan`]?.hits).toBe(1);
    expect(await storedLifetime(h.tenant.tenant, "hot")).toEqual({ ttl: 45, swr: 5 });
  });
});
