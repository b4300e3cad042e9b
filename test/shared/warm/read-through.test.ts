import { describe, expect, it } from "vitest";
import { createEntry } from "../../../shared/cache/entry";
import { type EntryKey, memoryKey } from "../../../shared/cache/keys";
import { UpstashStore } from "../../../shared/cache/upstash/upstash-store";
import { originLeaseRedisKey } from "../../../shared/redis/key-layout";
import { acquireLease } from "../../../shared/warm/lease";
import { type LoadFromOriginOptions, type LoadResult, loadFromOrigin } from "../../../shared/warm/read-through";
import { SingleFlight } from "../../../shared/warm/single-flight";
import { redisRunner, uniqueTenant } from "../../helpers/worker/test-env";
import { ORIGIN_URL, originPrefix, originStats, setOrigin } from "./warm-kit";

const runner = redisRunner();
const store = new UpstashStore({ runner, codec: { compressionThresholdBytes: 1024 } });
const text = (result: LoadResult) => (result.status === "loaded" ? new TextDecoder().decode(result.entry.value) : result.status);

function options(key: EntryKey, url: string, extra: Partial<LoadFromOriginOptions> = {}): LoadFromOriginOptions {
  return {
    key,
    target: { url, lifetimeOf: () => ({ ttlSeconds: 60, swrSeconds: 0 }) },
    runner,
    store,
    isOriginAllowed: () => true,
    maxBytes: 1024,
    pollMs: 20,
    waitMs: 5000,
    ...extra,
  };
}

describe("read-through from the origin", () => {
  it("100 concurrent misses over four isolates make one origin fetch", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "from origin", delayMs: 300 });
    const key = { tenant: uniqueTenant(), key: "hot" };
    const isolates = Array.from({ length: 4 }, () => new SingleFlight<LoadResult>());
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (isolates[i % 4] as SingleFlight<LoadResult>).run(memoryKey(key), () => loadFromOrigin(options(key, `${ORIGIN_URL}${prefix}hot`))),
      ),
    );
    expect((await originStats(prefix)).total).toBe(1);
    expect(new Set(results.map(text))).toEqual(new Set(["from origin"]));
    expect(results.filter((r) => r.status === "loaded" && r.source === "origin")).toHaveLength(25); // one isolate's callers
    expect(isolates.every((flight) => flight.size === 0)).toBe(true);
    expect(text({ status: "loaded", entry: (await store.get(key))?.entry as never, source: "l2" })).toBe("from origin");
  });

  it("the origin lease alone holds concurrent callers to one fetch", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { delayMs: 200 });
    const key = { tenant: uniqueTenant(), key: "k" };
    const results = await Promise.all(Array.from({ length: 8 }, () => loadFromOrigin(options(key, `${ORIGIN_URL}${prefix}k`))));
    expect((await originStats(prefix)).total).toBe(1);
    expect(results.every((r) => r.status === "loaded")).toBe(true);
  });

  it("a caller arriving after the fill reads L2 instead of fetching again", async () => {
    const prefix = originPrefix();
    const key = { tenant: uniqueTenant(), key: "k" };
    expect(await loadFromOrigin(options(key, `${ORIGIN_URL}${prefix}k`))).toMatchObject({ status: "loaded", source: "origin" });
    expect(await loadFromOrigin(options(key, `${ORIGIN_URL}${prefix}k`))).toMatchObject({ status: "loaded", source: "l2" });
    expect((await originStats(prefix)).total).toBe(1);
  });

  it("waits only briefly behind a lease nobody fills, without fetching", async () => {
    const prefix = originPrefix();
    const key = { tenant: uniqueTenant(), key: "k" };
    await acquireLease(runner, originLeaseRedisKey(key), 60_000);
    expect(await loadFromOrigin(options(key, `${ORIGIN_URL}${prefix}k`, { waitMs: 100 }))).toEqual({ status: "timeout" });
    expect((await originStats(prefix)).total).toBe(0);
  });

  it("revalidates a stale copy with its ETag and, on 304, re-sets it with new times", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "same", etag: '"e1"' });
    const url = `${ORIGIN_URL}${prefix}k`;
    const key = { tenant: uniqueTenant(), key: "k" };
    const stale = await createEntry(
      {
        value: new TextEncoder().encode("same"),
        contentType: "text/plain",
        ttlSeconds: 1,
        swrSeconds: 600,
        tags: [],
        origin: { url, etag: '"e1"' },
      },
      Date.now() - 10_000,
    );
    await store.set(key, stale);
    const result = await loadFromOrigin(options(key, url, { current: stale }));
    expect(result).toMatchObject({ status: "loaded", source: "origin" });
    expect((await originStats(prefix)).paths[`${prefix}k`]).toMatchObject({ hits: 1, notModified: 1, lastIfNoneMatch: '"e1"' });
    const stored = (await store.get(key))?.entry;
    expect(stored?.freshUntil).toBeGreaterThan(Date.now());
    expect(stored?.origin?.etag).toBe('"e1"');
  });

  it("reports an origin failure and frees the lease for the next caller", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { status: 500 });
    const key = { tenant: uniqueTenant(), key: "k" };
    expect(await loadFromOrigin(options(key, `${ORIGIN_URL}${prefix}k`, { retries: 0 }))).toEqual({
      status: "failed",
      reason: "status",
      originStatus: 500,
    });
    expect(await acquireLease(runner, originLeaseRedisKey(key), 1000)).toBeDefined();
  });

  it("never fetches a URL the SSRF check refuses", async () => {
    const prefix = originPrefix();
    const key = { tenant: uniqueTenant(), key: "k" };
    expect(await loadFromOrigin(options(key, `${ORIGIN_URL}${prefix}k`, { isOriginAllowed: () => false }))).toEqual({
      status: "failed",
      reason: "not_allowed",
    });
    expect((await originStats(prefix)).total).toBe(0);
  });
});
