import { describe, expect, it } from "vitest";
import { MemoryStore } from "../../../shared/cache/memory-store";
import { TieredStore } from "../../../shared/cache/tiered-store";
import { UpstashStore } from "../../../shared/cache/upstash/upstash-store";
import { CircuitBreaker } from "../../../shared/redis/circuit-breaker";
import { entryOf } from "../../helpers/worker/store-contract";
import { gatewayScope, redisRunner, sleep, uniqueTenant } from "../../helpers/worker/test-env";

const decoder = new TextDecoder();
const codec = { compressionThresholdBytes: 1024 };

/** An isolate's tiered store over the run's Redis, in a gateway scope of its own (counted, faultable). */
async function isolate(options: { l1MaxTtlMs: number; refreshAheadMs?: number; sendMarginMs?: number }) {
  const { control, token } = await gatewayScope();
  const work: Promise<unknown>[] = [];
  const store = new TieredStore({
    l1: new MemoryStore(),
    l2: new UpstashStore({ runner: redisRunner(token), codec }),
    breaker: new CircuitBreaker(),
    l1MaxTtlMs: options.l1MaxTtlMs,
    l1GraceMs: 60_000,
    ...(options.refreshAheadMs !== undefined && { refreshAheadMs: options.refreshAheadMs }),
    // A long bound with the whole of it as margin: the check goes once the coalescing window is over.
    ...(options.sendMarginMs !== undefined && { sendMarginMs: options.sendMarginMs }),
    coalesceMs: 10,
  });
  /** What the request's waitUntil would keep running behind the response. */
  const background = (promise: Promise<unknown>) => work.push(promise);
  const settle = async () => {
    while (work.length > 0) await Promise.all(work.splice(0));
  };
  return { store, control, background, settle };
}

describe("refresh ahead: copies due soon are checked together, behind the response", () => {
  it("checks 50 hot copies in one request and one command, and none of them on a reader's path", async () => {
    // A long bound, its checks sent once the coalescing window is over.
    const { store, control, background, settle } = await isolate({ l1MaxTtlMs: 10_000, refreshAheadMs: 10_000, sendMarginMs: 9_900 });
    const tenant = uniqueTenant();
    const keys = Array.from({ length: 50 }, (_, i) => ({ tenant, key: `hot-${i}` }));
    for (const key of keys) await store.set(key, await entryOf(key.key));
    // Loads the script first, so what follows is counted without a NOSCRIPT re-send.
    await store.get({ tenant, key: "warm-up" });
    await store.l2?.revalidateMany([{ key: keys[0]!, knownVersion: 0 }]);
    await control.resetCounters();
    for (const key of keys) expect((await store.get(key, { background }))?.tier).toBe("l1");
    expect((await control.counters()).requests.total).toBe(0);
    await settle();
    // The reads' check, then (once, as nobody read them since) the copies carried into the next bound.
    const counted = await control.counters();
    expect(counted.requests.total).toBe(2);
    expect(counted.commands.total).toBe(2);
  });

  it("queues the copies a batch of gets reads from L1 the same way: one check behind the response, no read per batch", async () => {
    const { store, control, background, settle } = await isolate({ l1MaxTtlMs: 10_000, refreshAheadMs: 10_000, sendMarginMs: 9_900 });
    const tenant = uniqueTenant();
    const keys = Array.from({ length: 50 }, (_, i) => ({ tenant, key: `batch-${i}` }));
    for (const key of keys) await store.set(key, await entryOf(key.key));
    await store.l2?.revalidateMany([{ key: keys[0]!, knownVersion: 0 }]);
    await control.resetCounters();
    const results = await store.batch(
      keys.map((key) => ({ type: "get" as const, key })),
      { background },
    );
    expect(results.every((result) => result.type === "get" && result.lookup?.tier === "l1")).toBe(true);
    expect((await control.counters()).requests.total).toBe(0);
    await settle();
    // The batch's check of all 50, then the copies carried into the next bound: as for single reads.
    expect((await control.counters()).requests.total).toBe(2);
    // Without a background to run it in, a batch queues nothing (the copies are checked when due).
    const other = await isolate({ l1MaxTtlMs: 10_000, refreshAheadMs: 10_000, sendMarginMs: 9_900 });
    for (const key of keys) await other.store.set(key, await entryOf(key.key));
    await other.control.resetCounters();
    await other.store.batch(keys.map((key) => ({ type: "get" as const, key })));
    await other.settle();
    expect((await other.control.counters()).requests.total).toBe(0);
  });

  it("keeps the staleness bound: a write from another isolate is seen within the L1 bound, by the batched check", async () => {
    const reader = await isolate({ l1MaxTtlMs: 300, refreshAheadMs: 300 });
    const writer = await isolate({ l1MaxTtlMs: 300 });
    const key = { tenant: uniqueTenant(), key: "k" };
    await reader.store.set(key, await entryOf("old"));
    await writer.store.set(key, await entryOf("new"));
    // Served from the copy (within its bound), and queued for the batched check.
    expect(decoder.decode((await reader.store.get(key, { background: reader.background }))?.entry.value)).toBe("old");
    await reader.settle();
    await reader.control.resetCounters();
    const lookup = await reader.store.get(key, { background: reader.background });
    expect(decoder.decode(lookup?.entry.value)).toBe("new");
    expect(lookup?.tier).toBe("l1");
    expect((await reader.control.counters()).requests.total).toBe(0);
  });

  it("stops serving a copy deleted meanwhile without a check, and never touches a copy replaced while its check was out", async () => {
    const reader = await isolate({ l1MaxTtlMs: 60_000, refreshAheadMs: 60_000, sendMarginMs: 60_000 });
    const writer = await isolate({ l1MaxTtlMs: 60_000 });
    const tenant = uniqueTenant();
    const deleted = { tenant, key: "deleted" };
    const replaced = { tenant, key: "replaced" };
    await reader.store.set(deleted, await entryOf("d"));
    await reader.store.set(replaced, await entryOf("r1"));
    await writer.store.delete(deleted);
    await reader.store.get(deleted, { background: reader.background });
    await reader.store.get(replaced, { background: reader.background });
    // This isolate writes the key again before the check answers: its own new copy stays.
    await reader.store.set(replaced, await entryOf("r2"));
    await reader.settle();
    // Not served unchecked any more: the next read asks Redis, misses, and drops the copy.
    expect(reader.store.l1.record(deleted)?.checkedUntil).toBeLessThanOrEqual(Date.now());
    expect(await reader.store.get(deleted)).toBeUndefined();
    expect(reader.store.l1.record(deleted)).toBeUndefined();
    expect(decoder.decode(reader.store.l1.record(replaced)?.entry.value)).toBe("r2");
  });

  it("leaves copies to their readers when the check fails: nothing is served past its bound", async () => {
    const { store, control, background, settle } = await isolate({ l1MaxTtlMs: 200, refreshAheadMs: 200 });
    const key = { tenant: uniqueTenant(), key: "k" };
    await store.set(key, await entryOf("v"));
    await control.setFaults({ refuse: true });
    await store.get(key, { background });
    await settle();
    const record = store.l1.record(key);
    await sleep(Math.max(0, (record?.checkedUntil ?? 0) - Date.now()) + 10);
    await control.setFaults({ refuse: false });
    // Loads the read script into Redis, so what follows is counted without a NOSCRIPT re-send.
    await store.get({ tenant: key.tenant, key: "never-written" });
    await control.resetCounters();
    // Past its bound: the reader asks Redis itself, as without refresh ahead.
    expect((await store.get(key))?.tier).toBe("l2");
    expect((await control.counters()).requests.total).toBe(1);
  });

  it("checks nothing when turned off, or without background work to run the check in", async () => {
    const requestsFor = async (refreshAheadMs: number, withBackground: boolean) => {
      const { store, control, background, settle } = await isolate({ l1MaxTtlMs: 60_000, refreshAheadMs, sendMarginMs: 60_000 });
      const key = { tenant: uniqueTenant(), key: "k" };
      await store.set(key, await entryOf("v"));
      await control.resetCounters();
      await store.get(key, withBackground ? { background } : {});
      await settle();
      return (await control.counters()).requests.total;
    };
    expect(await requestsFor(60_000, true)).toBeGreaterThan(0);
    expect(await requestsFor(0, true)).toBe(0);
    expect(await requestsFor(60_000, false)).toBe(0);
  });
});
