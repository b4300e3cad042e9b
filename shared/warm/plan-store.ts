import {
  type TenantId,
  WARM_TENANTS_REDIS_KEY,
  warmCursorRedisKey,
  warmLeaseRedisKey,
  warmPlansRedisKey,
  warmRunsRedisKey,
} from "../cache/keys";
import type { LuaScript } from "../cache/lua-scripts";
import type { RedisReply, RedisRunner } from "../cache/redis-client";
import { runCalls } from "../cache/script-runner";
import { StoreUnavailableError } from "../cache/store";
import { MAX_PLANS_PER_TENANT, type WarmPlan } from "./plan-schema";
import type { WarmRunRecord } from "./run-record";

/**
 * Plans live in one hash per tenant (field = name, value = plan JSON); the tenants that have
 * any are in one set, which is all the scheduled handler needs to find them.
 */

/**
 * KEYS: plans, warm tenants, cursor. ARGV: name, plan JSON, max plans, tenant.
 * Returns 1 created, 2 replaced, 0 refused (too many plans). A replaced plan's unfinished run is
 * dropped: its cursor indexes targets that may have changed.
 */
export const putPlanScript: LuaScript = {
  name: "warm-put-plan",
  source: `
local exists = redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1
if not exists and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[4])
if exists then
  redis.call('HDEL', KEYS[3], 'next', 'run', 'started')
  return 2
end
return 1
`,
};

/** KEYS: plans, warm tenants, cursor, runs, lease. ARGV: name, tenant. Returns 1 if it existed. */
export const deletePlanScript: LuaScript = {
  name: "warm-delete-plan",
  source: `
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[2]) end
return removed
`,
};

/** KEYS: a hash. Returns its fields and values, flat. */
export const readHashScript: LuaScript = { name: "warm-read-hash", source: "return redis.call('HGETALL', KEYS[1])" };
/** KEYS: a hash. ARGV: fields. */
export const readFieldsScript: LuaScript = { name: "warm-read-fields", source: "return redis.call('HMGET', KEYS[1], unpack(ARGV))" };
/** KEYS: a set. */
export const readSetScript: LuaScript = { name: "warm-read-set", source: "return redis.call('SMEMBERS', KEYS[1])" };
/** KEYS: a list. ARGV: how many from the head. */
export const readListScript: LuaScript = {
  name: "warm-read-list",
  source: "return redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)",
};

export type PutPlanResult = "created" | "replaced" | "too_many";

export async function putPlan(runner: RedisRunner, tenant: TenantId, plan: WarmPlan): Promise<PutPlanResult> {
  const value = expectOk(
    await runCalls(runner, [
      {
        script: putPlanScript,
        keys: [warmPlansRedisKey(tenant), WARM_TENANTS_REDIS_KEY, warmCursorRedisKey(tenant, plan.name)],
        args: [plan.name, JSON.stringify(plan), String(MAX_PLANS_PER_TENANT), tenant],
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
        ],
        args: [name, tenant],
      },
    ]),
  );
  return Number(value) === 1;
}

export async function listPlans(runner: RedisRunner, tenant: TenantId): Promise<WarmPlan[]> {
  const [plans] = await plansOfTenants(runner, [tenant]);
  return plans ?? [];
}

/** Every tenant's plans in one request, in the order given. */
export async function plansOfTenants(runner: RedisRunner, tenants: readonly TenantId[]): Promise<WarmPlan[][]> {
  if (tenants.length === 0) return [];
  const replies = await runCalls(
    runner,
    tenants.map((tenant) => ({ script: readHashScript, keys: [warmPlansRedisKey(tenant)], args: [] })),
  );
  return replies.map((reply) => {
    const flat = expectOk([reply]);
    const plans: WarmPlan[] = [];
    if (!Array.isArray(flat)) return plans;
    for (let i = 1; i < flat.length; i += 2) {
      const plan = parseJson<WarmPlan>(flat[i]);
      if (plan) plans.push(plan);
    }
    return plans.sort((a, b) => a.name.localeCompare(b.name));
  });
}

export async function getPlan(runner: RedisRunner, tenant: TenantId, name: string): Promise<WarmPlan | undefined> {
  const value = expectOk(await runCalls(runner, [{ script: readFieldsScript, keys: [warmPlansRedisKey(tenant)], args: [name] }]));
  return Array.isArray(value) ? parseJson<WarmPlan>(value[0]) : undefined;
}

export async function warmTenants(runner: RedisRunner): Promise<string[]> {
  const value = expectOk(await runCalls(runner, [{ script: readSetScript, keys: [WARM_TENANTS_REDIS_KEY], args: [] }]));
  return Array.isArray(value) ? value.map(String) : [];
}

export interface CursorHint {
  slot: number;
  unfinished: boolean;
}

/** Where each plan stands, in one request: enough to skip plans that are not due without a lease. */
export async function cursorHints(runner: RedisRunner, plans: readonly { tenant: TenantId; name: string }[]): Promise<CursorHint[]> {
  if (plans.length === 0) return [];
  const replies = await runCalls(
    runner,
    plans.map(({ tenant, name }) => ({ script: readFieldsScript, keys: [warmCursorRedisKey(tenant, name)], args: ["slot", "next"] })),
  );
  return replies.map((reply) => {
    const value = expectOk([reply]);
    const [slot, next] = Array.isArray(value) ? value : [];
    return { slot: Number(slot) || 0, unfinished: next !== null && next !== undefined && next !== "" };
  });
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

function parseJson<T>(raw: unknown): T | undefined {
  if (typeof raw !== "string") return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}
