import { describe, expect, it } from "vitest";
import type { RedisRunner } from "../../../shared/cache/redis-client";
import { recordAccess, takeHotKeys } from "../../../shared/warm/access-counts";
import { warmTenants } from "../../../shared/warm/plan-store";
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

  it("scores a recorded read by the sample rate, and lists the tenant for the scheduler", async () => {
    const runner = redisRunner();
    const tenant = uniqueTenant();
    await recordAccess(runner, { tenant, key: "k" }, { sampleRate: 16, random: always });
    expect(await takeHotKeys(runner, [tenant], { minScore: 16, limit: 10, decay: 1 })).toEqual([[{ tenant, key: "k" }]]);
    expect(await takeHotKeys(runner, [tenant], { minScore: 17, limit: 10, decay: 1 })).toEqual([[]]);
    expect(await warmTenants(runner)).toContain(tenant);
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
    const [hot] = await takeHotKeys(runner, [tenant], { minScore: 1, limit: 10, decay: 1 });
    expect(hot?.map((k) => k.key)).toEqual(["a", "c", "d"]);
  });

  it("decays after each pass, so a key must keep being read to stay hot", async () => {
    const runner = redisRunner();
    const tenant = uniqueTenant();
    for (let i = 0; i < 4; i++) await recordAccess(runner, { tenant, key: "k" }, { sampleRate: 1, random: always });
    const pass = () => takeHotKeys(runner, [tenant], { minScore: 2, limit: 10, decay: 0.5 });
    expect(await pass()).toEqual([[{ tenant, key: "k" }]]); // 4, then halved to 2
    expect(await pass()).toEqual([[{ tenant, key: "k" }]]); // 2, then 1
    expect(await pass()).toEqual([[]]); // 1 < 2, then 0.5: dropped
  });

  it("reads every tenant's hot keys in one request, each tenant on its own", async () => {
    const runner = countingRunner();
    const [a, b] = [uniqueTenant(), uniqueTenant()];
    await recordAccess(runner, { tenant: a, key: "x" }, { sampleRate: 8, random: always });
    await recordAccess(runner, { tenant: b, key: "y" }, { sampleRate: 8, random: always });
    await takeHotKeys(runner, [uniqueTenant()], { minScore: 8, limit: 10, decay: 0.5 }); // Redis now knows the script
    runner.requests = 0;
    expect(await takeHotKeys(runner, [a, b], { minScore: 8, limit: 10, decay: 0.5 })).toEqual([
      [{ tenant: a, key: "x" }],
      [{ tenant: b, key: "y" }],
    ]);
    expect(runner.requests).toBe(1);
  });
});
