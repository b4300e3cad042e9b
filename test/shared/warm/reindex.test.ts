import { afterEach, describe, expect, it } from "vitest";
import type { TenantId } from "../../../shared/cache/keys";
import {
  WARM_DUE_REDIS_KEY,
  WARM_TENANTS_REDIS_KEY,
  warmDueRedisKey,
  warmOriginIndexRedisKey,
  warmPlanMetaRedisKey,
} from "../../../shared/redis/key-layout";
import { lookupOrigin } from "../../../shared/warm/origin-index";
import { deletePlan, putPlan } from "../../../shared/warm/plan-store";
import { reindexWarmPlans } from "../../../shared/warm/reindex";
import { redisRunner, uniqueTenant } from "../../helpers/worker/test-env";
import { storedPlan } from "./warm-kit";

const runner = redisRunner();
const created: [TenantId, string][] = [];
afterEach(async () => {
  for (const [tenant, name] of created.splice(0)) await deletePlan(runner, tenant, name);
});

async function evalOne(script: string, keys: string[], args: string[] = []): Promise<unknown> {
  const [reply] = await runner.run([{ op: "eval", script, keys, args }]);
  if (!reply?.ok) throw new Error(reply?.error);
  return reply.value;
}

/** Plans stored as a deployment from before the indexes left them: the plans hash and the tenant set only. */
async function legacyTenant(): Promise<TenantId> {
  const tenant = uniqueTenant();
  for (const name of ["news", "shop"]) {
    created.push([tenant, name]);
    const keys = name === "news" ? ["a", "b:c"] : ["b:c", "d"];
    const plan = storedPlan(name, {
      priority: name === "shop" ? 5 : 1,
      targets: [{ urlTemplate: `https://api.example.com/${name}/{key}`, keys, tags: [], headers: {} }],
    });
    await putPlan(runner, tenant, plan, { maxPlans: 50, dueAt: 4_000_000_000_000 });
  }
  await evalOne(
    "redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) return redis.call('ZREM', KEYS[4], ARGV[1])",
    [warmOriginIndexRedisKey(tenant), warmPlanMetaRedisKey(tenant), warmDueRedisKey(tenant), WARM_DUE_REDIS_KEY],
    [tenant],
  );
  return tenant;
}

async function reindexAll(): Promise<number> {
  let cursor = "0";
  let plans = 0;
  do {
    const page = await reindexWarmPlans(runner, cursor, 50);
    cursor = page.cursor;
    plans += page.plans;
  } while (cursor !== "0");
  return plans;
}

const indexOf = async (tenant: TenantId) => evalOne("return redis.call('HGETALL', KEYS[1])", [warmOriginIndexRedisKey(tenant)]);

describe("rebuilding the warm indexes", () => {
  it("rebuilds a tenant's origin index, plan meta and due entries from its plans, page by page, idempotently", async () => {
    const tenant = await legacyTenant();
    expect(await lookupOrigin(runner, { tenant, key: "a" })).toEqual({ kind: "no_plans" });
    expect(await reindexAll()).toBeGreaterThanOrEqual(2);
    const shared = await lookupOrigin(runner, { tenant, key: "b:c" });
    expect(shared.kind === "origin" && shared.origin.url).toBe("https://api.example.com/shop/b%3Ac");
    expect(await evalOne("return redis.call('ZCARD', KEYS[1])", [warmDueRedisKey(tenant)])).toBe(2);
    expect(await evalOne("return redis.call('ZSCORE', KEYS[1], ARGV[1])", [WARM_DUE_REDIS_KEY], [tenant])).not.toBeNull();
    const first = await indexOf(tenant);
    await reindexAll();
    expect(await indexOf(tenant)).toEqual(first);
  });

  it("drops a tenant the set still lists without any plan", async () => {
    const tenant = uniqueTenant();
    await evalOne("return redis.call('SADD', KEYS[1], ARGV[1])", [WARM_TENANTS_REDIS_KEY], [tenant]);
    await reindexAll();
    expect(await evalOne("return redis.call('SISMEMBER', KEYS[1], ARGV[1])", [WARM_TENANTS_REDIS_KEY], [tenant])).toBe(0);
  });
});
