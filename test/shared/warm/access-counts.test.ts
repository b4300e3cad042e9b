import { describe, expect, it } from "vitest";
import type { TenantId } from "../../../shared/cache/keys";
import { REFRESH_DUE_REDIS_KEY } from "../../../shared/redis/key-layout";
import type { RedisRunner } from "../../../shared/redis/redis-client";
import { type HotKeyOptions, recordAccess, takeHotKeys } from "../../../shared/warm/access-counts";
import { redisRunner, uniqueTenant } from "../../helpers/worker/test-env";

function countingRunner(): RedisRunner & { requests: number } {
  const inner = redisRunner();
  const runner = {
    requests: 0,
    run: (commands: Parameters<RedisRunner["run"]>[0]) => {
      runner.requests++;
      return inner.run(commands);
    },
  };
  return runner;
}

const always = () => 0;

/** A pass at `now`, looking at the tenant again a minute later. */
const passAt = (now: number, options: Omit<HotKeyOptions, "now" | "nextLookAt">): HotKeyOptions => ({
  ...options,
  now,
  nextLookAt: now + 60_000,
});

async function nextLook(tenant: TenantId): Promise<number | undefined> {
  const [reply] = await redisRunner().run([
    { op: "eval", script: "return redis.call('ZSCORE', KEYS[1], ARGV[1])", keys: [REFRESH_DUE_REDIS_KEY], args: [tenant] },
  ]);
  return reply?.ok && reply.value !== null ? Number(reply.value) : undefined;
}

describe("access counts for refresh-ahead", () => {
  it("samples: a read the sample skips costs no Redis request", async () => {
    const runner = countingRunner();
    const key = { tenant: uniqueTenant(), key: "k" };
    expect(await recordAccess(runner, key, { sampleRate: 16, random: () => 0.5 })).toBe(false);
    expect(runner.requests).toBe(0);
    expect(await recordAccess(runner, key, { sampleRate: 16, random: () => 0.01 })).toBe(true);
    // One request, or two the first time Redis sees the script (NOSCRIPT, then EVAL).
    expect(runner.requests).toBeGreaterThan(0);
  });

  it("scores a recorded read by the sample rate, and makes the tenant due a look at once, keeping an earlier look", async () => {
    const runner = redisRunner();
    const tenant = uniqueTenant();
    await recordAccess(runner, { tenant, key: "k" }, { sampleRate: 16, random: always, now: () => 1000 });
    await recordAccess(runner, { tenant, key: "k" }, { sampleRate: 16, random: always, now: () => 5000 });
    expect(await nextLook(tenant)).toBe(1000);
    expect(await takeHotKeys(runner, [tenant], passAt(1000, { minScore: 32, limit: 10, decay: 1 }))).toEqual([[{ tenant, key: "k" }]]);
    expect(await takeHotKeys(runner, [tenant], passAt(61_000, { minScore: 33, limit: 10, decay: 1 }))).toEqual([[]]);
  });

  it("takes a tenant once per look: a second tick at the same time finds it taken, and its next look is a minute on", async () => {
    const runner = redisRunner();
    const tenant = uniqueTenant();
    await recordAccess(runner, { tenant, key: "k" }, { sampleRate: 1, random: always, now: () => 1000 });
    const options = passAt(2000, { minScore: 1, limit: 10, decay: 1 });
    expect(await takeHotKeys(runner, [tenant], options)).toEqual([[{ tenant, key: "k" }]]);
    expect(await takeHotKeys(runner, [tenant], options)).toEqual([[]]);
    expect(await nextLook(tenant)).toBe(62_000);
  });

  it("forgets a tenant whose hot keys have all decayed away", async () => {
    const runner = redisRunner();
    const tenant = uniqueTenant();
    await recordAccess(runner, { tenant, key: "k" }, { sampleRate: 1, random: always, now: () => 1000 });
    expect(await takeHotKeys(runner, [tenant], passAt(1000, { minScore: 1, limit: 10, decay: 0.5 }))).toEqual([[{ tenant, key: "k" }]]);
    expect(await nextLook(tenant)).toBeUndefined();
  });

  it("keeps at most maxKeys per tenant, dropping the least read", async () => {
    const runner = redisRunner();
    const tenant = uniqueTenant();
    for (const [key, reads] of [
      ["a", 5],
      ["b", 1],
      ["c", 4],
      ["d", 3],
    ] as const) {
      for (let i = 0; i < reads; i++) await recordAccess(runner, { tenant, key }, { sampleRate: 1, maxKeys: 3, random: always });
    }
    const [hot] = await takeHotKeys(runner, [tenant], passAt(Date.now(), { minScore: 1, limit: 10, decay: 1 }));
    expect(hot?.map((k) => k.key)).toEqual(["a", "c", "d"]);
  });

  it("decays after each pass, so a key must keep being read to stay hot", async () => {
    const runner = redisRunner();
    const tenant = uniqueTenant();
    for (let i = 0; i < 4; i++) await recordAccess(runner, { tenant, key: "k" }, { sampleRate: 1, random: always });
    const start = Date.now();
    // One pass a minute: each finds the tenant's look due.
    const pass = (minute: number) => takeHotKeys(runner, [tenant], passAt(start + minute * 60_000, { minScore: 2, limit: 10, decay: 0.5 }));
    expect(await pass(0)).toEqual([[{ tenant, key: "k" }]]); // 4, then halved to 2
    expect(await pass(1)).toEqual([[{ tenant, key: "k" }]]); // 2, then 1
    expect(await pass(2)).toEqual([[]]); // 1 < 2, then 0.5: dropped
  });

  it("reads every tenant's hot keys in one request, each tenant on its own", async () => {
    const runner = countingRunner();
    const [a, b] = [uniqueTenant(), uniqueTenant()];
    await recordAccess(runner, { tenant: a, key: "x" }, { sampleRate: 8, random: always });
    await recordAccess(runner, { tenant: b, key: "y" }, { sampleRate: 8, random: always });
    const pass = passAt(Date.now(), { minScore: 8, limit: 10, decay: 0.5 });
    await takeHotKeys(runner, [uniqueTenant()], pass); // Redis now knows the script
    runner.requests = 0;
    expect(await takeHotKeys(runner, [a, b], pass)).toEqual([[{ tenant: a, key: "x" }], [{ tenant: b, key: "y" }]]);
    expect(runner.requests).toBe(1);
  });
});
