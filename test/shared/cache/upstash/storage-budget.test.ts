import { describe, expect, it } from "vitest";
import type { EntryKey, TenantId } from "../../../../shared/cache/keys";
import { UpstashStore } from "../../../../shared/cache/upstash/upstash-store";
import { entryRedisKey, storageExpiryRedisKey, storageUsageRedisKey } from "../../../../shared/redis/key-layout";
import type { RedisRunner } from "../../../../shared/redis/redis-client";
import { StatsBuffer } from "../../../../shared/stats/stats-buffer";
import { readTenantCounters } from "../../../../shared/stats/tenant-counters";
import { entryOf } from "../../../helpers/worker/store-contract";
import { redisRunner, uniqueTenant } from "../../../helpers/worker/test-env";

const codec = { compressionThresholdBytes: 1024 };
const decoder = new TextDecoder();
const MINUTE = 60_000;

const storeAt = (at: () => number = Date.now) => new UpstashStore({ runner: redisRunner(), codec, now: at });

async function redisEval(script: string, keys: string[], args: string[] = [], runner: RedisRunner = redisRunner()): Promise<unknown> {
  const [reply] = await runner.run([{ op: "eval", script, keys, args }]);
  if (!reply?.ok) throw new Error(`test setup: eval failed: ${reply?.error}`);
  return reply.value;
}

/** The tenant's `used` figure as Redis holds it (before any reaping). */
async function used(tenant: TenantId): Promise<number> {
  return Number(await redisEval("return redis.call('HGET', KEYS[1], 'used') or '0'", [storageUsageRedisKey(tenant)]));
}

/** What the key occupies by the accounting's measure: its Redis key's bytes plus its value's. */
async function sizeInRedis(key: EntryKey): Promise<number> {
  const redisKey = entryRedisKey(key);
  const length = Number(await redisEval("return redis.call('STRLEN', KEYS[1])", [redisKey]));
  return new TextEncoder().encode(redisKey).byteLength + length;
}

const text = async (l2: UpstashStore, key: EntryKey) => {
  const lookup = await l2.get(key);
  return lookup ? decoder.decode(lookup.entry.value) : undefined;
};

describe("a tenant's L2 storage use (real Redis through the gateway)", () => {
  it("grows by exactly key plus value bytes, takes an overwrite's new size, and a delete's tombstone instead of the entry", async () => {
    const l2 = storeAt();
    const tenant = uniqueTenant();
    const [a, b] = [
      { tenant, key: "a:b*c?[d]/%\u0000😀" },
      { tenant, key: "b" },
    ];
    await l2.set(a, await entryOf("x".repeat(100)));
    const sizeA = await sizeInRedis(a);
    expect(await used(tenant)).toBe(sizeA);
    await l2.set(b, await entryOf("y".repeat(10)));
    expect(await used(tenant)).toBe(sizeA + (await sizeInRedis(b)));
    await l2.set(a, await entryOf("short"));
    const shorter = await sizeInRedis(a);
    expect(shorter).toBeLessThan(sizeA);
    expect(await used(tenant)).toBe(shorter + (await sizeInRedis(b)));
    await l2.delete(a);
    // What is left of `a` is its tombstone, which counts while it lives.
    expect(await used(tenant)).toBe((await sizeInRedis(a)) + (await sizeInRedis(b)));
  });

  it("reaps an entry's bytes once its expiry minute is over, at the tenant's next write", async () => {
    const start = Date.now();
    const tenant = uniqueTenant();
    const brief = { tenant, key: "brief" };
    const later = { tenant, key: "later" };
    await storeAt(() => start).set(brief, await entryOf("gone soon", { ttl: 1, createdAt: start }));
    const briefSize = await sizeInRedis(brief);
    expect(await used(tenant)).toBe(briefSize);
    // Two minutes on: `brief` expired in a minute that is over.
    const twoMinutesOn = start + 2 * MINUTE;
    const buffer = new StatsBuffer({ flushIntervalMs: 0 });
    expect((await readTenantCounters(redisRunner(), buffer, tenant, twoMinutesOn)).storageUsedBytes).toBe(0);
    expect(await used(tenant)).toBe(briefSize);
    await storeAt(() => twoMinutesOn).set(later, await entryOf("stays", { createdAt: twoMinutesOn }));
    expect(await used(tenant)).toBe(await sizeInRedis(later));
    const minutes = await redisEval("return redis.call('ZRANGE', KEYS[1], 0, -1)", [storageExpiryRedisKey(tenant)]);
    expect(minutes).toEqual([String(Math.floor((twoMinutesOn + 60_000) / MINUTE))]);
  });

  it("refuses a write that would go over the budget and writes nothing; one that adds no bytes passes", async () => {
    const l2 = storeAt();
    const tenant = uniqueTenant();
    const key = { tenant, key: "k" };
    await l2.set(key, await entryOf("first"));
    const budget = (await used(tenant)) + 20;
    expect(await l2.set({ tenant, key: "other" }, await entryOf("x".repeat(100)), { storageBudgetBytes: budget })).toEqual({
      status: "over_budget",
    });
    expect(await l2.set(key, await entryOf("second, and longer than 20 bytes more"), { storageBudgetBytes: budget })).toEqual({
      status: "over_budget",
    });
    expect(await text(l2, key)).toBe("first");
    expect(await text(l2, { tenant, key: "other" })).toBeUndefined();
    expect(await used(tenant)).toBe(await sizeInRedis(key));
    expect(await l2.set(key, await entryOf("fifth"), { storageBudgetBytes: budget })).toMatchObject({ status: "stored" });
    expect(await text(l2, key)).toBe("fifth");
  });

  it("reaps every minute over before refusing a write, however long the tenant paused", async () => {
    const start = Date.now();
    const tenant = uniqueTenant();
    // 70 entries expiring in 70 different minutes: more than one write reaps on its way.
    const expiring = await Promise.all(
      Array.from({ length: 70 }, async (_, i) => ({
        type: "set" as const,
        key: { tenant, key: `k${i}` },
        entry: await entryOf("x".repeat(200), { ttl: (i + 1) * 60, createdAt: start }),
      })),
    );
    await storeAt(() => start).batch(expiring);
    const back = start + 72 * MINUTE;
    const entry = await entryOf("y".repeat(200), { createdAt: back });
    const result = await storeAt(() => back).set({ tenant, key: "after the pause" }, entry, { storageBudgetBytes: 1024 });
    expect(result).toMatchObject({ status: "stored" });
    expect(await used(tenant)).toBe(await sizeInRedis({ tenant, key: "after the pause" }));
  });

  it("frees the budget when entries are deleted", async () => {
    const l2 = storeAt();
    const tenant = uniqueTenant();
    const big = { tenant, key: "big" };
    await l2.set(big, await entryOf("x".repeat(500)));
    const budget = (await used(tenant)) + 100;
    const next = await entryOf("y".repeat(300));
    expect(await l2.set({ tenant, key: "next" }, next, { storageBudgetBytes: budget })).toEqual({ status: "over_budget" });
    await l2.delete(big);
    expect(await l2.set({ tenant, key: "next" }, next, { storageBudgetBytes: budget })).toMatchObject({ status: "stored" });
  });

  it("starts again from zero at a clear, and never subtracts what the clear hid", async () => {
    const l2 = storeAt();
    const tenant = uniqueTenant();
    const [a, b, c] = ["a", "b", "c"].map((key) => ({ tenant, key })) as [EntryKey, EntryKey, EntryKey];
    await l2.set(a, await entryOf("a".repeat(200)));
    await l2.set(b, await entryOf("b".repeat(200)));
    await l2.clear(tenant);
    expect(await used(tenant)).toBe(0);
    await l2.set(c, await entryOf("c"));
    // `a` is hidden by the clear: overwriting it adds the new value and subtracts nothing.
    await l2.set(a, await entryOf("a again"));
    expect(await used(tenant)).toBe((await sizeInRedis(c)) + (await sizeInRedis(a)));
    await l2.delete(b);
    expect(await used(tenant)).toBe((await sizeInRedis(c)) + (await sizeInRedis(a)) + (await sizeInRedis(b)));
  });

  it("keeps counting entries hidden by a tag invalidation until they are overwritten", async () => {
    const l2 = storeAt();
    const tenant = uniqueTenant();
    const key = { tenant, key: "tagged" };
    await l2.set(key, await entryOf("x".repeat(100), { tags: ["t"] }));
    const size = await sizeInRedis(key);
    await l2.invalidate(tenant, { tags: ["t"] });
    expect(await used(tenant)).toBe(size);
    await l2.set(key, await entryOf("y"));
    expect(await used(tenant)).toBe(await sizeInRedis(key));
  });

  it("never subtracts an entry written before the accounting existed", async () => {
    const l2 = storeAt();
    const tenant = uniqueTenant();
    const counted = { tenant, key: "counted" };
    const legacy = { tenant, key: "legacy" };
    await l2.set(counted, await entryOf("counted"));
    const now = Date.now();
    const header = { v: 1, ct: "text/plain", et: '"x"', c: now - 1000, f: now + MINUTE, s: now + MINUTE, t: [], e: "t" };
    await redisEval("return redis.call('SET', KEYS[1], ARGV[1], 'PX', 60000)", [entryRedisKey(legacy)], [`${JSON.stringify(header)}\nold`]);
    await l2.set(legacy, await entryOf("new"));
    expect(await used(tenant)).toBe((await sizeInRedis(counted)) + (await sizeInRedis(legacy)));
  });

  it("holds each tenant to its own budget", async () => {
    const l2 = storeAt();
    const [full, other] = [uniqueTenant(), uniqueTenant()];
    await l2.set({ tenant: full, key: "k" }, await entryOf("x".repeat(300)));
    const budget = await used(full);
    expect(await l2.set({ tenant: full, key: "more" }, await entryOf("y"), { storageBudgetBytes: budget })).toEqual({
      status: "over_budget",
    });
    expect(await l2.set({ tenant: other, key: "k" }, await entryOf("x".repeat(300)), { storageBudgetBytes: budget })).toMatchObject({
      status: "stored",
    });
    expect(await used(full)).toBe(budget);
    expect(await used(other)).toBe(budget);
  });

  it("lets its accounting keys expire an hour after the last entry they count", async () => {
    const l2 = storeAt();
    const tenant = uniqueTenant();
    const entry = await entryOf("v", { ttl: 600 });
    await l2.set({ tenant, key: "k" }, entry);
    const expected = (Math.floor(entry.staleUntil / MINUTE) + 61) * MINUTE - Date.now();
    for (const key of [storageUsageRedisKey(tenant), storageExpiryRedisKey(tenant)]) {
      const pttl = Number(await redisEval("return redis.call('PTTL', KEYS[1])", [key]));
      expect(Math.abs(pttl - expected)).toBeLessThan(5000);
    }
  });
});
