import { describe, expect, it } from "vitest";
import type { TenantId } from "../../../../shared/cache/keys";
import { UpstashStore } from "../../../../shared/cache/upstash/upstash-store";
import { metaRedisKey, tagTimesRedisKey } from "../../../../shared/redis/key-layout";
import { entryOf } from "../../../helpers/worker/store-contract";
import { redisRunner, sleep, uniqueTenant } from "../../../helpers/worker/test-env";

const codec = { compressionThresholdBytes: 1024 };

const storeWith = (options: { now?: () => number; watermarkRetentionMs?: number }) =>
  new UpstashStore({ runner: redisRunner(), codec, ...options });

/** The meta hash's field names, and the members of the watermark-times set. */
async function watermarks(tenant: TenantId): Promise<{ fields: string[]; timed: string[] }> {
  const [reply] = await redisRunner().run([
    {
      op: "eval",
      script: "return {redis.call('HKEYS', KEYS[1]), redis.call('ZRANGE', KEYS[2], 0, -1)}",
      keys: [metaRedisKey(tenant), tagTimesRedisKey(tenant)],
      args: [],
    },
  ]);
  if (!reply?.ok) throw new Error("test setup: watermark read failed");
  const [fields, timed] = reply.value as [string[], string[]];
  return { fields: [...fields].sort(), timed: [...timed].sort() };
}

describe("tag watermarks are pruned (real Redis through the gateway)", () => {
  it("drops a tag's watermark from the meta hash once it is older than the retention", async () => {
    const retention = 3_600_000;
    const start = Date.now();
    const tenant = uniqueTenant();
    await storeWith({ now: () => start, watermarkRetentionMs: retention }).invalidateTags(tenant, ["old", "kept"]);
    await storeWith({ now: () => start + retention / 2, watermarkRetentionMs: retention }).invalidateTags(tenant, ["kept"]);
    await storeWith({ now: () => start + retention + 1, watermarkRetentionMs: retention }).invalidateTags(tenant, ["new"]);
    expect(await watermarks(tenant)).toEqual({ fields: ["seq", "tag:kept", "tag:new"], timed: ["tag:kept", "tag:new"] });
  });

  it("keeps hiding an entry written before an invalidation until it expires, when the retention is the longest lifetime", async () => {
    // Entries here live 1 s (ttl 1, swr 0): the retention covers that.
    const l2 = storeWith({ watermarkRetentionMs: 1200 });
    const tenant = uniqueTenant();
    const key = { tenant, key: "k" };
    await l2.set(key, await entryOf("v", { ttl: 1, tags: ["t"] }));
    await l2.invalidateTags(tenant, ["t"]);
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      // Each invalidation prunes what has aged out.
      await l2.invalidateTags(tenant, ["other"]);
      expect(await l2.get(key)).toBeUndefined();
      await sleep(100);
    }
    expect((await watermarks(tenant)).fields).not.toContain("tag:t");
  });

  it("would bring an entry back with a retention shorter than its life: why the retention is the longest lifetime", async () => {
    const l2 = storeWith({ watermarkRetentionMs: 50 });
    const tenant = uniqueTenant();
    const key = { tenant, key: "k" };
    await l2.set(key, await entryOf("v", { ttl: 60, tags: ["t"] }));
    await l2.invalidateTags(tenant, ["t"]);
    await sleep(100);
    await l2.invalidateTags(tenant, ["other"]);
    expect(await l2.get(key)).toBeDefined();
  });

  it("drops every tag watermark at a clear, which supersedes them, and keeps the clear's own", async () => {
    const l2 = storeWith({});
    const tenant = uniqueTenant();
    await l2.invalidateTags(tenant, ["a", "b"]);
    await l2.set({ tenant, key: "k" }, await entryOf("v", { tags: ["a"] }));
    await l2.clear(tenant);
    // `clearAt` records when: a move to another database compares clears by time (record-copy-scripts.ts).
    expect(await watermarks(tenant)).toEqual({ fields: ["clear", "clearAt", "seq"], timed: [] });
    expect(await l2.get({ tenant, key: "k" })).toBeUndefined();
  });
});
