import { isTenantId, type TenantId } from "../cache/keys";
import { StoreUnavailableError } from "../cache/store";
import {
  WARM_DUE_REDIS_KEY,
  WARM_TENANTS_REDIS_KEY,
  warmDueRedisKey,
  warmOriginIndexRedisKey,
  warmPlanMetaRedisKey,
  warmPlansRedisKey,
} from "../redis/key-layout";
import type { LuaScript } from "../redis/lua-script";
import type { RedisRunner } from "../redis/redis-client";
import { runCalls } from "../redis/script-runner";
import { DUE_LUA } from "./due-lua";
import { ORIGIN_INDEX_LUA } from "./origin-index-lua";

/** KEYS: warm tenants. ARGV: cursor, count. One SSCAN page: {next cursor, tenants}. */
export const scanWarmTenantsScript: LuaScript = {
  name: "warm-scan-tenants",
  readOnly: true,
  source: "return redis.call('SSCAN', KEYS[1], ARGV[1], 'COUNT', tonumber(ARGV[2]))",
};

/**
 * KEYS: plans, due (tenant), origin index, plan meta, due (global), warm tenants. ARGV: tenant, now.
 * Rebuilds the tenant's read-through index and plan meta from its stored plans, drops due entries
 * of plans that are gone, and makes a plan with no due entry due now (its run then finds out
 * whether its slot was already run and moves it to its next slot). A tenant with no plans left
 * leaves every index. Returns the number of plans indexed.
 */
export const reindexTenantScript: LuaScript = {
  name: "warm-reindex-tenant",
  source: `${DUE_LUA}${ORIGIN_INDEX_LUA}
redis.call('DEL', KEYS[3], KEYS[4])
local plans = redis.call('HGETALL', KEYS[1])
for i = 1, #plans, 2 do
  indexPlan(KEYS[3], KEYS[4], plans[i], plans[i + 1])
  redis.call('ZADD', KEYS[2], 'NX', ARGV[2], plans[i])
end
local due = redis.call('ZRANGE', KEYS[2], 0, -1)
for _, name in ipairs(due) do
  if redis.call('HEXISTS', KEYS[1], name) == 0 then redis.call('ZREM', KEYS[2], name) end
end
tenantDue(KEYS[2], KEYS[5], ARGV[1])
if #plans == 0 then redis.call('SREM', KEYS[6], ARGV[1]) end
return #plans / 2
`,
};

export interface WarmReindexPage {
  /** Where the next page starts; "0" when the rebuild is complete. */
  cursor: string;
  tenants: number;
  plans: number;
}

/**
 * Rebuilds the warm indexes (due times, key → origin targets, plan meta) from the stored plans,
 * one page of tenants per call (SSCAN of the tenants that have plans), resumable by cursor and
 * idempotent: a page run twice leaves the same indexes. For deployments whose plans predate the
 * indexes, and to drop tenants the set still lists without plans. Two requests per page.
 */
export async function reindexWarmPlans(runner: RedisRunner, cursor: string, pageSize = 100): Promise<WarmReindexPage> {
  const [scan] = await runCalls(runner, [
    { script: scanWarmTenantsScript, keys: [WARM_TENANTS_REDIS_KEY], args: [cursor, String(pageSize)] },
  ]);
  if (!scan?.ok || !Array.isArray(scan.value)) throw new StoreUnavailableError("warm tenants could not be listed");
  const [next, members] = scan.value as [unknown, unknown];
  const tenants = [...new Set(Array.isArray(members) ? members.map(String).filter(isTenantId) : [])];
  if (tenants.length === 0) return { cursor: String(next), tenants: 0, plans: 0 };
  const now = String(Date.now());
  const replies = await runCalls(
    runner,
    tenants.map((tenant: TenantId) => ({
      script: reindexTenantScript,
      keys: [
        warmPlansRedisKey(tenant),
        warmDueRedisKey(tenant),
        warmOriginIndexRedisKey(tenant),
        warmPlanMetaRedisKey(tenant),
        WARM_DUE_REDIS_KEY,
        WARM_TENANTS_REDIS_KEY,
      ],
      args: [tenant, now],
    })),
  );
  let plans = 0;
  for (const reply of replies) {
    if (!reply.ok) throw new StoreUnavailableError("warm indexes could not be rebuilt");
    plans += Number(reply.value) || 0;
  }
  return { cursor: String(next), tenants: tenants.length, plans };
}
