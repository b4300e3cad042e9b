import { describe, expect, it } from "vitest";
import type { TenantId } from "../../../../shared/cache/keys";
import { MAX_PREFIX_LENGTHS } from "../../../../shared/cache/store";
import { UpstashStore } from "../../../../shared/cache/upstash/upstash-store";
import { metaRedisKey, tagTimesRedisKey } from "../../../../shared/redis/key-layout";
import { PrefixLengthsExhaustedError } from "../../../../shared/redis/request-errors";
import { entryOf } from "../../../helpers/worker/store-contract";
import { gatewayScope, redisRunner, sleep, uniqueTenant } from "../../../helpers/worker/test-env";

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
    await storeWith({ now: () => start, watermarkRetentionMs: retention }).invalidate(tenant, { tags: ["old", "kept"] });
    await storeWith({ now: () => start + retention / 2, watermarkRetentionMs: retention }).invalidate(tenant, { tags: ["kept"] });
    await storeWith({ now: () => start + retention + 1, watermarkRetentionMs: retention }).invalidate(tenant, { tags: ["new"] });
    expect(await watermarks(tenant)).toEqual({ fields: ["seq", "tag:kept", "tag:new"], timed: ["tag:kept", "tag:new"] });
  });

  it("keeps hiding an entry written before an invalidation until it expires, when the retention is the longest lifetime", async () => {
    // Entries here live 1 s (ttl 1, swr 0): the retention covers that.
    const l2 = storeWith({ watermarkRetentionMs: 1200 });
    const tenant = uniqueTenant();
    const key = { tenant, key: "k" };
    await l2.set(key, await entryOf("v", { ttl: 1, tags: ["t"] }));
    await l2.invalidate(tenant, { tags: ["t"] });
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      // Each invalidation prunes what has aged out.
      await l2.invalidate(tenant, { tags: ["other"] });
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
    await l2.invalidate(tenant, { tags: ["t"] });
    await sleep(100);
    await l2.invalidate(tenant, { tags: ["other"] });
    expect(await l2.get(key)).toBeDefined();
  });

  it("drops every tag watermark at a clear, which supersedes them, and keeps the clear's own", async () => {
    const l2 = storeWith({});
    const tenant = uniqueTenant();
    await l2.invalidate(tenant, { tags: ["a", "b"] });
    await l2.set({ tenant, key: "k" }, await entryOf("v", { tags: ["a"] }));
    await l2.clear(tenant);
    // `clearAt` records when: a move to another database compares clears by time (record-copy-scripts.ts).
    expect(await watermarks(tenant)).toEqual({ fields: ["clear", "clearAt", "seq"], timed: [] });
    expect(await l2.get({ tenant, key: "k" })).toBeUndefined();
  });
});

describe("prefix watermarks (real Redis through the gateway)", () => {
  const prefixOfLength = (n: number) => "p".repeat(n);

  it("use at most MAX_PREFIX_LENGTHS distinct lengths: past them an invalidation is refused whole", async () => {
    const l2 = storeWith({});
    const tenant = uniqueTenant();
    const lengths = Array.from({ length: MAX_PREFIX_LENGTHS }, (_, i) => i + 1);
    await l2.invalidate(tenant, { prefixes: lengths.map(prefixOfLength) });
    // Lengths already in use stay open, whatever the prefix.
    await l2.invalidate(tenant, { prefixes: ["q", "qq"] });
    await l2.set({ tenant, key: "z".repeat(40) }, await entryOf("v"));
    await expect(l2.invalidate(tenant, { tags: ["t"], prefixes: ["z".repeat(40)] })).rejects.toBeInstanceOf(PrefixLengthsExhaustedError);
    // Refused whole: neither the prefix nor the tag was raised.
    expect(await l2.get({ tenant, key: "z".repeat(40) })).toBeDefined();
    expect((await watermarks(tenant)).fields).not.toContain("tag:t");
  });

  it("free their lengths as they age out, and at a clear", async () => {
    const retention = 3_600_000;
    const start = Date.now();
    const tenant = uniqueTenant();
    const lengths = Array.from({ length: MAX_PREFIX_LENGTHS }, (_, i) => i + 1);
    await storeWith({ now: () => start, watermarkRetentionMs: retention }).invalidate(tenant, { prefixes: lengths.map(prefixOfLength) });
    const later = storeWith({ now: () => start + retention + 1, watermarkRetentionMs: retention });
    await later.invalidate(tenant, { prefixes: ["z".repeat(40)] });
    expect((await watermarks(tenant)).fields).toEqual(["pfx:" + "z".repeat(40), "plens", "seq"].sort());

    const cleared = uniqueTenant();
    const l2 = storeWith({});
    await l2.invalidate(cleared, { prefixes: lengths.map(prefixOfLength) });
    await l2.clear(cleared);
    await l2.invalidate(cleared, { prefixes: ["z".repeat(40)] });
    expect((await watermarks(cleared)).fields).toContain("pfx:" + "z".repeat(40));
  });

  it("keep a read at one command, the prefixes checked inside the script", async () => {
    const { control, token } = await gatewayScope();
    const l2 = new UpstashStore({ runner: redisRunner(token), codec });
    const tenant = uniqueTenant();
    await l2.set({ tenant, key: "a/b/c" }, await entryOf("hidden"));
    await l2.set({ tenant, key: "d/e" }, await entryOf("shown"));
    await l2.invalidate(tenant, { prefixes: ["a/", "a/b/", "x/y/z/"] });
    await l2.get({ tenant, key: "d/e" }); // loads the script
    await control.resetCounters();
    expect(await l2.get({ tenant, key: "a/b/c" })).toBeUndefined();
    expect(await l2.get({ tenant, key: "d/e" })).toBeDefined();
    expect((await control.counters()).commands.total).toBe(2);
  });
});
