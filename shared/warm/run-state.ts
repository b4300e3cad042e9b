import type { TenantId } from "../cache/keys";
import { StoreUnavailableError } from "../cache/store";
import {
  WARM_DUE_REDIS_KEY,
  warmCursorRedisKey,
  warmDueRedisKey,
  warmLeaseRedisKey,
  warmPlansRedisKey,
  warmRunsRedisKey,
} from "../redis/key-layout";
import type { LuaScript } from "../redis/lua-script";
import type { RedisRunner } from "../redis/redis-client";
import { runCalls } from "../redis/script-runner";
import { DUE_LUA } from "./due-lua";
import { type Lease, newLease } from "./lease";
import { MAX_RUNS_KEPT, type WarmRunRecord } from "./run-record";

/**
 * A plan's run state lives in its cursor hash: `slot` (the schedule slot last run to the end),
 * and while a run is unfinished `next` (the target index to resume at), `run` (its id) and
 * `started`. Taking the lease and reading the cursor is one atomic script, and so is saving the
 * cursor, appending the run record and releasing the lease: the cursor is saved only while the
 * lease is still held, so a run that overran its lease cannot overwrite its successor's progress.
 * Both scripts also move the plan in the due index (due-lua.ts): a slot found already run, a
 * finished run, and an unfinished one each leave the plan due when it should next be dispatched.
 */

/**
 * KEYS: lease, cursor, plans, due (tenant), due (global). ARGV: token, lease ttl ms, plan, tenant,
 * slot ('' for a manual run), due when the slot was already run, due when busy ('' leaves it).
 * Returns {0} when busy, {2} when the slot was already run (a doubled or late dispatch: the lease
 * is given back and the plan made due at its next slot), else {1, slot, next, run, started}.
 */
export const beginRunScript: LuaScript = {
  name: "warm-begin",
  source: `${DUE_LUA}
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if ARGV[7] ~= '' then planDue(KEYS[3], KEYS[4], KEYS[5], ARGV[3], ARGV[4], ARGV[7], 'SET') end
  return {0}
end
local s = redis.call('HMGET', KEYS[2], 'slot', 'next', 'run', 'started')
if ARGV[5] ~= '' and not s[2] and tonumber(s[1] or '0') >= tonumber(ARGV[5]) then
  redis.call('DEL', KEYS[1])
  planDue(KEYS[3], KEYS[4], KEYS[5], ARGV[3], ARGV[4], ARGV[6], 'SET')
  return {2}
end
return {1, s[1] or '', s[2] or '', s[3] or '', s[4] or ''}
`,
};

/**
 * KEYS: lease, cursor, runs, plans, due (tenant), due (global). ARGV: token, record (lease held),
 * record (lease lost), runs kept, history ttl ms, cursor ttl ms, slot ('' keeps it), next ('' =
 * finished), run id, run start, plan, tenant, due ('' leaves it), due mode ('SET' or 'LT').
 * Returns 1 when the lease was held.
 */
export const finishRunScript: LuaScript = {
  name: "warm-finish",
  source: `${DUE_LUA}
local held = redis.call('GET', KEYS[1]) == ARGV[1]
if held then
  if ARGV[7] ~= '' then redis.call('HSET', KEYS[2], 'slot', ARGV[7]) end
  if ARGV[8] == '' then
    redis.call('HDEL', KEYS[2], 'next', 'run', 'started')
  else
    redis.call('HSET', KEYS[2], 'next', ARGV[8], 'run', ARGV[9], 'started', ARGV[10])
  end
  redis.call('PEXPIRE', KEYS[2], ARGV[6])
  redis.call('DEL', KEYS[1])
  if ARGV[13] ~= '' then planDue(KEYS[4], KEYS[5], KEYS[6], ARGV[11], ARGV[12], ARGV[13], ARGV[14]) end
end
redis.call('LPUSH', KEYS[3], held and ARGV[2] or ARGV[3])
redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[4]) - 1)
redis.call('PEXPIRE', KEYS[3], ARGV[5])
if held then return 1 end
return 0
`,
};

const HISTORY_TTL_MS = 30 * 86_400_000;
// A cursor outlives any schedule by far; it goes away with plans that are deleted or abandoned.
const CURSOR_TTL_MS = 7 * 86_400_000;

export interface RunState {
  /** The schedule slot last run to completion; 0 if never. */
  slot: number;
  /** Present while a run is unfinished. */
  resume?: { next: number; runId: string; startedAt: number };
}

export type BeginResult = { status: "busy" } | { status: "not_due" } | { status: "leased"; lease: Lease; state: RunState };

export interface BeginInput {
  leaseTtlMs: number;
  /** A cron run's slot: a slot already run is not run again. Absent for manual runs. */
  slot?: number | undefined;
  /** Where the due index puts the plan when the slot was already run, or when another run is busy. */
  due?: { whenDone: number; whenBusy: number } | undefined;
}

export async function beginPlanRun(runner: RedisRunner, tenant: TenantId, plan: string, input: BeginInput): Promise<BeginResult> {
  const lease = newLease(warmLeaseRedisKey(tenant, plan));
  const [reply] = await runCalls(runner, [
    {
      script: beginRunScript,
      keys: [lease.redisKey, warmCursorRedisKey(tenant, plan), warmPlansRedisKey(tenant), warmDueRedisKey(tenant), WARM_DUE_REDIS_KEY],
      args: [
        lease.token,
        String(input.leaseTtlMs),
        plan,
        tenant,
        input.slot === undefined ? "" : String(input.slot),
        input.due ? String(input.due.whenDone) : "",
        input.due ? String(input.due.whenBusy) : "",
      ],
    },
  ]);
  if (!reply?.ok || !Array.isArray(reply.value)) throw new StoreUnavailableError("warm run could not begin");
  const [taken, slot, next, runId, started] = reply.value.map(String);
  if (taken === "0") return { status: "busy" };
  if (taken === "2") return { status: "not_due" };
  const state: RunState = { slot: Number(slot) || 0 };
  if (next) state.resume = { next: Number(next), runId: runId ?? "", startedAt: Number(started) || 0 };
  return { status: "leased", lease, state };
}

export interface FinishInput {
  lease: Lease;
  record: WarmRunRecord;
  /** Slot to mark as done; undefined leaves it (manual runs, unfinished runs). */
  slot: number | undefined;
  /** When the plan is due next: `LT` only brings it forward. Undefined leaves the due index alone. */
  due?: { at: number; mode: "SET" | "LT" } | undefined;
}

/** Saves the cursor (if the lease is still held), appends the record, releases the lease. */
export async function finishPlanRun(runner: RedisRunner, tenant: TenantId, input: FinishInput): Promise<{ leaseHeld: boolean }> {
  const { lease, record } = input;
  const [reply] = await runCalls(runner, [
    {
      script: finishRunScript,
      keys: [
        lease.redisKey,
        warmCursorRedisKey(tenant, record.plan),
        warmRunsRedisKey(tenant, record.plan),
        warmPlansRedisKey(tenant),
        warmDueRedisKey(tenant),
        WARM_DUE_REDIS_KEY,
      ],
      args: [
        lease.token,
        JSON.stringify(record),
        JSON.stringify({ ...record, leaseLost: true }),
        String(MAX_RUNS_KEPT),
        String(HISTORY_TTL_MS),
        String(CURSOR_TTL_MS),
        input.slot === undefined ? "" : String(input.slot),
        record.cursor === null ? "" : String(record.cursor),
        record.runId,
        String(record.runStartedAt),
        record.plan,
        tenant,
        input.due ? String(input.due.at) : "",
        input.due?.mode ?? "SET",
      ],
    },
  ]);
  if (!reply?.ok) throw new StoreUnavailableError("warm run could not be recorded");
  return { leaseHeld: Number(reply.value) === 1 };
}
