import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TenantId } from "../../../shared/cache/keys";
import { scriptSha } from "../../../shared/redis/lua-script";
import type { RedisRunner } from "../../../shared/redis/redis-client";
import { withRequestBudget } from "../../../shared/redis/request-budget";
import { lookupOrigin, lookupOriginScript } from "../../../shared/warm/origin-index";
import { OriginTargets } from "../../../shared/warm/origin-targets";
import { deletePlan, putPlan, readHashScript } from "../../../shared/warm/plan-store";
import { gatewayScope, redisRunner, uniqueTenant } from "../../helpers/worker/test-env";
import { storedPlan } from "./warm-kit";

const runner = redisRunner();
const created: TenantId[] = [];
afterEach(async () => {
  for (const tenant of created.splice(0)) await deletePlan(runner, tenant, "p");
});

/** A tenant with one plan of 1,000 keys, due far in the future. */
async function tenantWithPlan(): Promise<TenantId> {
  const tenant = uniqueTenant();
  created.push(tenant);
  const keys = Array.from({ length: 1000 }, (_, i) => `k${i}`);
  await putPlan(
    runner,
    tenant,
    storedPlan("p", { targets: [{ urlTemplate: "https://api.example.com/{key}", keys, tags: [], headers: {} }] }),
    {
      maxPlans: 50,
      dueAt: 4_000_000_000_000,
    },
  );
  return tenant;
}

/** Counts requests and remembers which scripts each one ran. */
function observed(inner: RedisRunner): RedisRunner & { requests: number; shas: string[] } {
  const observer = {
    requests: 0,
    shas: [] as string[],
    run: (commands: Parameters<RedisRunner["run"]>[0]) => {
      observer.requests++;
      for (const command of commands)
        if (command.op === "evalsha" || command.op === "eval") observer.shas.push(command.op === "evalsha" ? command.sha : "eval");
      return inner.run(commands);
    },
  };
  return observer;
}

// The first call after Redis starts is two requests (NOSCRIPT, then EVAL): load the script first.
beforeAll(() => lookupOrigin(runner, { tenant: uniqueTenant(), key: "k" }));

function clock(start = 1_000_000) {
  const time = { now: start };
  return { now: () => time.now, advance: (ms: number) => (time.now += ms) };
}

describe("origin targets, as one isolate knows them", () => {
  it("looks one key up, never the tenant's plans, and reuses the answer for the cache time", async () => {
    const tenant = await tenantWithPlan();
    const redis = observed(runner);
    const time = clock();
    const targets = new OriginTargets({ redis, cacheMs: 10_000, now: time.now });
    expect(await targets.originOf({ tenant, key: "k7" })).toMatchObject({ url: "https://api.example.com/k7" });
    expect(await targets.originOf({ tenant, key: "k7" })).toMatchObject({ url: "https://api.example.com/k7" });
    expect(await targets.originOf({ tenant, key: "not-planned" })).toBeUndefined();
    expect(await targets.originOf({ tenant, key: "not-planned" })).toBeUndefined();
    expect(redis.requests).toBe(2);
    expect(new Set(redis.shas)).toEqual(new Set([await scriptSha(lookupOriginScript)]));
    expect(redis.shas).not.toContain(await scriptSha(readHashScript));
    time.advance(10_000);
    await targets.originOf({ tenant, key: "k7" });
    expect(redis.requests).toBe(3);
  });

  it("asks once whether a tenant has plans: its other keys then cost no lookup until the cache time passes", async () => {
    const redis = observed(runner);
    const time = clock();
    const targets = new OriginTargets({ redis, cacheMs: 10_000, now: time.now });
    const tenant = uniqueTenant();
    for (const key of ["a", "b", "c", "d"]) expect(await targets.originOf({ tenant, key })).toBeUndefined();
    expect(redis.requests).toBe(1);
    time.advance(10_000);
    await targets.originOf({ tenant, key: "e" });
    expect(redis.requests).toBe(2);
  });

  it("after a failed lookup asks Redis nothing for the failure time, answering with what it last knew", async () => {
    const tenant = await tenantWithPlan();
    const scope = await gatewayScope();
    const redis = observed(redisRunner(scope.token, 500));
    const time = clock();
    const targets = new OriginTargets({ redis, cacheMs: 1000, failureCacheMs: 1500, now: time.now });
    expect(await targets.originOf({ tenant, key: "k1" })).toMatchObject({ url: "https://api.example.com/k1" });
    time.advance(1000);
    await scope.control.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      // Expired but kept: served while Redis fails.
      expect(await targets.originOf({ tenant, key: "k1" })).toMatchObject({ url: "https://api.example.com/k1" });
      expect(await targets.originOf({ tenant, key: "k2" })).toBeUndefined();
      time.advance(1499);
      expect(await targets.originOf({ tenant, key: "k3" })).toBeUndefined();
      expect(redis.requests).toBe(2);
    } finally {
      await scope.control.clearFaults();
    }
    time.advance(1);
    expect(await targets.originOf({ tenant, key: "k3" })).toMatchObject({ url: "https://api.example.com/k3" });
    expect(redis.requests).toBe(3);
  });

  it("does not stop lookups when only one request's own Redis budget ran out", async () => {
    const tenant = await tenantWithPlan();
    const redis = observed(runner);
    const targets = new OriginTargets({ redis });
    expect(await withRequestBudget(0, () => targets.originOf({ tenant, key: "k1" }))).toBeUndefined();
    expect(await targets.originOf({ tenant, key: "k1" })).toMatchObject({ url: "https://api.example.com/k1" });
  });

  it("keeps at most maxKeys answers, dropping the least recently used", async () => {
    const tenant = await tenantWithPlan();
    const redis = observed(runner);
    const targets = new OriginTargets({ redis, maxKeys: 2 });
    for (const key of ["k1", "k2", "k1", "k3"]) await targets.originOf({ tenant, key });
    expect(redis.requests).toBe(3);
    await targets.originOf({ tenant, key: "k1" }); // kept: used more recently than k2
    expect(redis.requests).toBe(3);
    await targets.originOf({ tenant, key: "k2" }); // dropped
    expect(redis.requests).toBe(4);
  });
});
