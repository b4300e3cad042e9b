import type { TenantId } from "../cache/keys";
import { StoreUnavailableError } from "../cache/store";
import {
  WARM_DUE_REDIS_KEY,
  WARM_TENANTS_REDIS_KEY,
  warmCursorRedisKey,
  warmDueRedisKey,
  warmLeaseRedisKey,
  warmOriginIndexRedisKey,
  warmPlanMetaRedisKey,
  warmPlansRedisKey,
  warmRunsRedisKey,
} from "../redis/key-layout";
import type { LuaScript } from "../redis/lua-script";
import type { RedisReply, RedisRunner } from "../redis/redis-client";
import { runCalls } from "../redis/script-runner";
import { DUE_LUA } from "./due-lua";
import { ORIGIN_INDEX_LUA } from "./origin-index-lua";
import type { WarmPlan } from "./plan-schema";
import type { WarmRunRecord } from "./run-record";

/**
 * Plans live in one hash per tenant (field = name, value = plan JSON). Storing or deleting a
 * plan also keeps, in the same script, the tenant's due index (due-lua.ts), its read-through
 * index (origin-index-lua.ts) and the set of tenants that have plans.
 */

/**
 * KEYS: plans, warm tenants, cursor, due (tenant), due (global), origin index, plan meta.
 * ARGV: name, plan JSON, max plans, tenant, due (epoch ms).
 * Returns 1 created, 2 replaced, 0 refused (too many plans). A replaced plan's unfinished run is
 * dropped (its cursor indexes targets that may have changed); a plan already due stays due.
 */
export const putPlanScript: LuaScript = {
  name: "warm-put-plan",
  source: `${DUE_LUA}${ORIGIN_INDEX_LUA}
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
if old then unindexPlan(KEYS[6], KEYS[7], ARGV[1], old) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
indexPlan(KEYS[6], KEYS[7], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[4])
planDue(KEYS[1], KEYS[4], KEYS[5], ARGV[1], ARGV[4], ARGV[5], 'LT')
if old then
  redis.call('HDEL', KEYS[3], 'next', 'run', 'started')
  return 2
end
return 1
`,
};

/**
 * KEYS: plans, warm tenants, cursor, runs, lease, due (tenant), due (global), origin index, plan meta.
 * ARGV: name, tenant. Returns 1 if it existed.
 */
export const deletePlanScript: LuaScript = {
  name: "warm-delete-plan",
  source: `${DUE_LUA}${ORIGIN_INDEX_LUA}
local old = redis.call('HGET', KEYS[1], ARGV[1])
unindexPlan(KEYS[8], KEYS[9], ARGV[1], old)
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
redis.call('ZREM', KEYS[6], ARGV[1])
tenantDue(KEYS[6], KEYS[7], ARGV[2])
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[2]) end
return removed
`,
};

/** KEYS: a hash. Returns its fields and values, flat. */
export const readHashScript: LuaScript = { name: "warm-read-hash", source: "return redis.call('HGETALL', KEYS[1])" };
/** KEYS: a hash. Returns its fields. */
export const readHashFieldsScript: LuaScript = { name: "warm-read-hash-fields", source: "return redis.call('HKEYS', KEYS[1])" };
/** KEYS: a hash. ARGV: fields. */
export const readFieldsScript: LuaScript = { name: "warm-read-fields", source: "return redis.call('HMGET', KEYS[1], unpack(ARGV))" };
/** KEYS: a list. ARGV: how many from the head. */
export const readListScript: LuaScript = {
  name: "warm-read-list",
  readOnly: true,
  source: "return redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)",
};

export type PutPlanResult = "created" | "replaced" | "too_many";

export interface PutPlanOptions {
  /** The tenant's cap on plans; a new plan past it is refused. */
  maxPlans: number;
  /** When the plan is next due (its next schedule slot), epoch ms. */
  dueAt: number;
}

export async function putPlan(runner: RedisRunner, tenant: TenantId, plan: WarmPlan, options: PutPlanOptions): Promise<PutPlanResult> {
  const value = expectOk(
    await runCalls(runner, [
      {
        script: putPlanScript,
        keys: [
          warmPlansRedisKey(tenant),
          WARM_TENANTS_REDIS_KEY,
          warmCursorRedisKey(tenant, plan.name),
          warmDueRedisKey(tenant),
          WARM_DUE_REDIS_KEY,
          warmOriginIndexRedisKey(tenant),
          warmPlanMetaRedisKey(tenant),
        ],
        args: [plan.name, JSON.stringify(plan), String(options.maxPlans), tenant, String(options.dueAt)],
      },
    ]),
  );
  return Number(value) === 1 ? "created" : Number(value) === 2 ? "replaced" : "too_many";
}

export async function deletePlan(runner: RedisRunner, tenant: TenantId, name: string): Promise<boolean> {
  const value = expectOk(
    await runCalls(runner, [
      {
        script: deletePlanScript,
        keys: [
          warmPlansRedisKey(tenant),
          WARM_TENANTS_REDIS_KEY,
          warmCursorRedisKey(tenant, name),
          warmRunsRedisKey(tenant, name),
          warmLeaseRedisKey(tenant, name),
          warmDueRedisKey(tenant),
          WARM_DUE_REDIS_KEY,
          warmOriginIndexRedisKey(tenant),
          warmPlanMetaRedisKey(tenant),
        ],
        args: [name, tenant],
      },
    ]),
  );
  return Number(value) === 1;
}

/** The tenant's plans, by name. */
export async function listPlans(runner: RedisRunner, tenant: TenantId): Promise<WarmPlan[]> {
  const flat = expectOk(await runCalls(runner, [{ script: readHashScript, keys: [warmPlansRedisKey(tenant)], args: [] }]));
  const plans: WarmPlan[] = [];
  if (!Array.isArray(flat)) return plans;
  for (let i = 1; i < flat.length; i += 2) {
    const plan = parseJson<WarmPlan>(flat[i]);
    if (plan) plans.push(plan);
  }
  return plans.sort((a, b) => a.name.localeCompare(b.name));
}

/** The names of the tenant's plans, without reading the plans themselves. */
export async function listPlanNames(runner: RedisRunner, tenant: TenantId): Promise<string[]> {
  const names = expectOk(await runCalls(runner, [{ script: readHashFieldsScript, keys: [warmPlansRedisKey(tenant)], args: [] }]));
  return Array.isArray(names) ? names.map(String).sort() : [];
}

export async function getPlan(runner: RedisRunner, tenant: TenantId, name: string): Promise<WarmPlan | undefined> {
  const [plan] = await getPlans(runner, [{ tenant, plan: name }]);
  return plan;
}

/** Several plans, of any tenants, in one request: one HMGET per tenant. Missing plans are undefined. */
export async function getPlans(
  runner: RedisRunner,
  refs: readonly { tenant: TenantId; plan: string }[],
): Promise<(WarmPlan | undefined)[]> {
  if (refs.length === 0) return [];
  const byTenant = new Map<TenantId, string[]>();
  for (const { tenant, plan } of refs) {
    const names = byTenant.get(tenant);
    if (names) names.push(plan);
    else byTenant.set(tenant, [plan]);
  }
  const tenants = [...byTenant.keys()];
  const replies = await runCalls(
    runner,
    tenants.map((tenant) => ({ script: readFieldsScript, keys: [warmPlansRedisKey(tenant)], args: byTenant.get(tenant) ?? [] })),
  );
  const found = new Map<string, WarmPlan | undefined>();
  replies.forEach((reply, i) => {
    const tenant = tenants[i] as TenantId;
    const values = expectOk([reply]);
    (byTenant.get(tenant) ?? []).forEach((plan, j) => {
      found.set(`${tenant}\n${plan}`, Array.isArray(values) ? parseJson<WarmPlan>(values[j]) : undefined);
    });
  });
  return refs.map(({ tenant, plan }) => found.get(`${tenant}\n${plan}`));
}

/** The newest runs of each plan, newest first, one request for all of them. */
export async function listRuns(runner: RedisRunner, tenant: TenantId, plans: readonly string[], limit: number): Promise<WarmRunRecord[]> {
  if (plans.length === 0) return [];
  const replies = await runCalls(
    runner,
    plans.map((plan) => ({ script: readListScript, keys: [warmRunsRedisKey(tenant, plan)], args: [String(limit)] })),
  );
  return replies
    .flatMap((reply) => {
      const value = expectOk([reply]);
      return Array.isArray(value) ? value.flatMap((item) => parseJson<WarmRunRecord>(item) ?? []) : [];
    })
    .sort((a, b) => b.startedAt - a.startedAt);
}

function expectOk(replies: RedisReply[]): unknown {
  const [reply] = replies;
  if (!reply?.ok) throw new StoreUnavailableError("warm plan store request failed");
  return reply.value;
}

export function parseJson<T>(raw: unknown): T | undefined {
  if (typeof raw !== "string") return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}
