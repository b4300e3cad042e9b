import { describe, expect, it } from "vitest";
import type { EntryKey } from "../../../../shared/cache/keys";
import { UpstashStore } from "../../../../shared/cache/upstash/upstash-store";
import { entryRedisKey } from "../../../../shared/redis/key-layout";
import type { RedisRunner } from "../../../../shared/redis/redis-client";
import { entryOf } from "../../../helpers/worker/store-contract";
import { redisRunner, sleep, uniqueTenant } from "../../../helpers/worker/test-env";

const codec = { compressionThresholdBytes: 1024 };
const decoder = new TextDecoder();

/** An L2 store whose clock reads `at` (deletes take their creation time from it). */
const storeAt = (at: () => number, options: { tombstoneMs?: number } = {}) =>
  new UpstashStore({ runner: redisRunner(), codec, now: at, ...options });

const text = async (l2: UpstashStore, key: EntryKey) => {
  const lookup = await l2.get(key);
  return lookup ? decoder.decode(lookup.entry.value) : undefined;
};

async function redisEval(runner: RedisRunner, script: string, key: string): Promise<unknown> {
  const [reply] = await runner.run([{ op: "eval", script, keys: [key], args: [] }]);
  if (!reply?.ok) throw new Error("test setup: eval failed");
  return reply.value;
}

describe("a delete leaves a tombstone (real Redis through the gateway)", () => {
  it("keeps out a write created before the delete that reaches Redis after it", async () => {
    const l2 = storeAt(Date.now);
    const key = { tenant: uniqueTenant(), key: "k" };
    const writtenAt = Date.now();
    await l2.set(key, await entryOf("before", { createdAt: writtenAt - 1000 }));
    await l2.delete(key);
    // Created before the delete, delivered after it: the request a client gave up on.
    const late = await entryOf("late", { createdAt: writtenAt - 500 });
    expect(await l2.set(key, late)).toEqual({ status: "stored", durability: "shared", entry: { ...late, version: 0 } });
    expect(await text(l2, key)).toBeUndefined();
    const raw = String(await redisEval(redisRunner(), "return redis.call('GET', KEYS[1])", entryRedisKey(key)));
    expect(raw).toMatch(/^\{"v":\d+,"u":1,"c":\d+,"n":\d+,"s":\d+,"d":1\}\n$/);
  });

  it("stores a write created after the delete", async () => {
    const l2 = storeAt(Date.now);
    const key = { tenant: uniqueTenant(), key: "k" };
    await l2.set(key, await entryOf("old", { createdAt: Date.now() - 1000 }));
    await l2.delete(key);
    const written = await l2.set(key, await entryOf("new", { createdAt: Date.now() + 1 }));
    expect(written.status === "stored" && written.entry.version).toBeGreaterThan(0);
    expect(await text(l2, key)).toBe("new");
  });

  it("orders a write and a delete of one isolate in the same millisecond as they were made", async () => {
    const at = Date.now();
    const l2 = storeAt(() => at);
    const key = { tenant: uniqueTenant(), key: "k" };
    await l2.delete(key);
    await l2.set(key, await entryOf("after the delete", { createdAt: at }));
    expect(await text(l2, key)).toBe("after the delete");
    await l2.delete(key);
    expect(await text(l2, key)).toBeUndefined();
  });

  it("leaves an entry created after a late delete in place, and still answers deleted", async () => {
    const now = Date.now();
    const key = { tenant: uniqueTenant(), key: "k" };
    await storeAt(Date.now).set(key, await entryOf("newer", { createdAt: now }));
    // A delete made 500 ms before that write, reaching Redis after it.
    expect(await storeAt(() => now - 500).delete(key)).toEqual({ status: "deleted", durability: "shared" });
    expect(await text(storeAt(Date.now), key)).toBe("newer");
  });

  it("reads as absent: get, batch get, revalidation of the version held before", async () => {
    const l2 = storeAt(Date.now);
    const key = { tenant: uniqueTenant(), key: "k" };
    const stored = await l2.set(key, await entryOf("v", { createdAt: Date.now() - 1000 }));
    if (stored.status !== "stored") throw new Error("not stored");
    await l2.delete(key);
    expect(await l2.get(key)).toBeUndefined();
    expect(await l2.batch([{ type: "get", key }])).toEqual([{ type: "get", lookup: undefined }]);
    expect(await l2.revalidate(key, stored.entry.version)).toEqual({ status: "absent" });
    expect(await l2.revalidate(key, 0)).toEqual({ status: "absent" });
  });

  it("counts as absent for only-if-absent, for a write created after the delete only", async () => {
    const l2 = storeAt(Date.now);
    const key = { tenant: uniqueTenant(), key: "k" };
    const deletedAt = Date.now();
    await l2.delete(key);
    const older = await l2.set(key, await entryOf("older", { createdAt: deletedAt - 500 }), { onlyIfAbsent: true });
    expect(older).toMatchObject({ status: "stored", entry: { version: 0 } });
    expect(await text(l2, key)).toBeUndefined();
    const newer = await l2.set(key, await entryOf("newer", { createdAt: deletedAt + 1 }), { onlyIfAbsent: true });
    expect(newer.status === "stored" && newer.entry.version).toBeGreaterThan(0);
    expect(await text(l2, key)).toBe("newer");
  });

  it("expires after tombstoneMs, after which a late write is taken again", async () => {
    const tombstoneMs = 200;
    const l2 = storeAt(Date.now, { tombstoneMs });
    const key = { tenant: uniqueTenant(), key: "k" };
    const deletedAt = Date.now();
    await l2.delete(key);
    const pttl = Number(await redisEval(redisRunner(), "return redis.call('PTTL', KEYS[1])", entryRedisKey(key)));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(tombstoneMs);
    await sleep(tombstoneMs + 50);
    // The documented bound: past the tombstone's life, a write older than the delete recreates the key.
    await l2.set(key, await entryOf("very late", { createdAt: deletedAt - 500 }));
    expect(await text(l2, key)).toBe("very late");
  });
});
