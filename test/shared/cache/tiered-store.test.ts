import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EntryKey } from "../../../shared/cache/keys";
import type { PreparedBatch } from "../../../shared/cache/l2-store";
import { MemoryStore } from "../../../shared/cache/memory-store";
import { RevalidationMarks } from "../../../shared/cache/revalidation-marks";
import type { OperationResult, SetResult } from "../../../shared/cache/store";
import { TieredStore } from "../../../shared/cache/tiered-store";
import { UpstashStore } from "../../../shared/cache/upstash/upstash-store";
import { CircuitBreaker } from "../../../shared/redis/circuit-breaker";
import { createUpstashRunner, type RedisRunner } from "../../../shared/redis/redis-client";
import { RequestTooLargeError } from "../../../shared/redis/request-errors";
import { entryOf } from "../../helpers/worker/store-contract";
import { gatewayScope, redisRunner, uniqueTenant } from "../../helpers/worker/test-env";

async function scopedStore(l1MaxTtlMs: number) {
  const { control, token } = await gatewayScope();
  const store = new TieredStore({
    l1: new MemoryStore(),
    l2: new UpstashStore({ runner: redisRunner(token), codec: { compressionThresholdBytes: 1024 } }),
    breaker: new CircuitBreaker(),
    l1MaxTtlMs,
    l1GraceMs: 60_000,
  });
  return { store, control };
}

describe("TieredStore", () => {
  it("revalidates a key once when many reads find its memory copy due", async () => {
    const { store, control } = await scopedStore(0);
    const key = { tenant: uniqueTenant(), key: "hot" };
    await store.set(key, await entryOf("v"));
    // Loads the read script into Redis, so what follows is counted without a NOSCRIPT retry.
    await store.get(key);
    await control.resetCounters();
    const lookups = await Promise.all(Array.from({ length: 20 }, () => store.get(key)));
    expect(lookups.every((lookup) => lookup !== undefined && !lookup.degraded)).toBe(true);
    expect((await control.counters()).requests.total).toBe(1);
  });

  it("serves from memory without Redis until the L1 bound, then asks Redis", async () => {
    const { store, control } = await scopedStore(60_000);
    const key = { tenant: uniqueTenant(), key: "k" };
    await store.set(key, await entryOf("v"));
    await control.resetCounters();
    expect((await store.get(key))?.tier).toBe("l1");
    expect((await control.counters()).requests.total).toBe(0);
  });

  it("answers an L1 copy within its bound without I/O, and leaves to get what needs Redis", async () => {
    const { store, control } = await scopedStore(60_000);
    const key = { tenant: uniqueTenant(), key: "k" };
    expect(store.getFromMemory(key)).toBeUndefined();
    await store.set(key, await entryOf("v"));
    await control.resetCounters();
    const served = store.getFromMemory(key);
    expect(served).toMatchObject({ tier: "l1", degraded: false });
    expect(new TextDecoder().decode(served?.entry.value)).toBe("v");
    expect((await control.counters()).requests.total).toBe(0);

    const { store: checkedEveryRead } = await scopedStore(0);
    await checkedEveryRead.set(key, await entryOf("w"));
    expect(checkedEveryRead.getFromMemory(key)).toBeUndefined();
    expect((await checkedEveryRead.get(key))?.tier).toBe("l2");
  });
});

/** A runner to the real Redis whose next call never settles, as when its request is cancelled at that await. */
function cancellableRunner(token: string) {
  const real = redisRunner(token);
  let cancelNext = false;
  let reached: () => void = () => {};
  const runner: RedisRunner = {
    run(commands) {
      if (!cancelNext) return real.run(commands);
      cancelNext = false;
      reached();
      return new Promise(() => {});
    },
  };
  return {
    runner,
    /** Resolves once the next call has been made, and left hanging. */
    cancelNextCall: () =>
      new Promise<void>((resolve) => {
        cancelNext = true;
        reached = resolve;
      }),
  };
}

function storeOver(runner: RedisRunner, options: { now?: () => number; revalidationTimeoutMs?: number; thresholdBytes?: number } = {}) {
  const now = options.now ?? Date.now;
  const l2 = new UpstashStore({ runner, codec: { compressionThresholdBytes: options.thresholdBytes ?? 1024 } });
  const breaker = new CircuitBreaker({ failureThreshold: 3, now });
  const store = new TieredStore({
    l1: new MemoryStore({ now }),
    l2,
    breaker,
    l1MaxTtlMs: 0,
    l1GraceMs: 60_000,
    ...(options.revalidationTimeoutMs === undefined ? {} : { revalidationTimeoutMs: options.revalidationTimeoutMs }),
    now,
  });
  return { store, l2, breaker };
}

describe("TieredStore when a revalidation is cancelled", () => {
  it("serves the copy under revalidation only until revalidationTimeoutMs, then sees a delete made meanwhile", async () => {
    const { token } = await gatewayScope();
    const { runner, cancelNextCall } = cancellableRunner(token);
    const clock = { now: Date.now() };
    const { store, l2 } = storeOver(runner, { now: () => clock.now, revalidationTimeoutMs: 1000 });
    const key = { tenant: uniqueTenant(), key: "k" };
    await store.set(key, await entryOf("v"));

    const cancelled = cancelNextCall();
    void store.get(key);
    await cancelled;
    await l2.delete(key);

    clock.now += 999;
    expect(await store.get(key)).toMatchObject({ tier: "l1", degraded: false });
    clock.now += 1;
    expect(await store.get(key)).toBeUndefined();
  });
});

describe("TieredStore with a request too large for L2", () => {
  it("refuses the whole batch: nothing stored in Redis or L1, and the circuit never counts it", async () => {
    const { token } = await gatewayScope();
    const runner = createUpstashRunner({ url: env.UPSTASH_REDIS_REST_URL, token, timeoutMs: 2000, retries: 0, maxRequestBytes: 3000 });
    const { store, l2, breaker } = storeOver(runner, { thresholdBytes: 1_000_000 });
    const tenant = uniqueTenant();
    const keys = [
      { tenant, key: "a" },
      { tenant, key: "b" },
    ];
    const operations = await Promise.all(keys.map(async (key) => ({ type: "set" as const, key, entry: await entryOf("x".repeat(2000)) })));
    for (let i = 0; i < 5; i++) await expect(store.batch(operations)).rejects.toBeInstanceOf(RequestTooLargeError);
    await expect(store.set(keys[0] as EntryKey, await entryOf("y".repeat(4000)))).rejects.toBeInstanceOf(RequestTooLargeError);
    for (const key of keys) {
      expect(store.l1.record(key)).toBeUndefined();
      expect(await l2.get(key)).toBeUndefined();
    }
    expect(breaker.state).toBe("closed");
    expect(breaker.consecutiveFailures).toBe(0);
  });
});

describe("TieredStore with an L2 set result it does not know", () => {
  it("returns it unchanged and keeps nothing in L1, alone or in a batch", async () => {
    const { token } = await gatewayScope();
    const refused = { status: "over_budget" } as unknown as SetResult;
    class RefusingStore extends UpstashStore {
      override async runPrepared({ operations }: PreparedBatch): Promise<OperationResult[]> {
        return operations.map(() => ({ type: "set", result: refused }));
      }
    }
    const store = new TieredStore({
      l1: new MemoryStore(),
      l2: new RefusingStore({ runner: redisRunner(token), codec: { compressionThresholdBytes: 1024 } }),
      breaker: new CircuitBreaker(),
      l1MaxTtlMs: 60_000,
      l1GraceMs: 60_000,
    });
    const key = { tenant: uniqueTenant(), key: "k" };
    expect(await store.set(key, await entryOf("v"))).toBe(refused);
    expect(await store.batch([{ type: "set", key, entry: await entryOf("v") }])).toEqual([{ type: "set", result: refused }]);
    expect(store.l1.record(key)).toBeUndefined();
  });
});

describe("revalidation marks", () => {
  it("expire after their timeout and never number more than maxMarks", () => {
    const marks = new RevalidationMarks({ timeoutMs: 100, maxMarks: 3 });
    for (const id of ["a", "b", "c", "d"]) marks.mark(id, 0);
    expect(marks.size).toBe(3);
    expect(marks.isActive("d", 0)).toBe(false);
    expect(marks.isActive("a", 99)).toBe(true);
    expect(marks.isActive("a", 100)).toBe(false);
    expect(marks.mark("e", 100)).toBe(100);
    expect(marks.size).toBe(1);
  });

  it("are released by their own revalidation only, not by an older one of the same key", () => {
    const marks = new RevalidationMarks({ timeoutMs: 100, maxMarks: 10 });
    const old = marks.mark("k", 0);
    const current = marks.mark("k", 150);
    marks.release("k", old);
    expect(marks.isActive("k", 160)).toBe(true);
    marks.release("k", current);
    expect(marks.isActive("k", 160)).toBe(false);
  });
});
