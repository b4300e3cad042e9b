import { type TenantId, warmCursorRedisKey, warmLeaseRedisKey, warmRunsRedisKey } from "../cache/keys";
import type { LuaScript } from "../cache/lua-scripts";
import type { RedisRunner } from "../cache/redis-client";
import { runCalls } from "../cache/script-runner";
import { StoreUnavailableError } from "../cache/store";
import { type Lease, newLease } from "./lease";
import { MAX_RUNS_KEPT, type WarmRunRecord } from "./run-record";

/**
 * A plan's run state lives in its cursor hash: `slot` (the schedule slot last run to the end),
 * and while a run is unfinished `next` (the target index to resume at), `run` (its id) and
 * `started`. Taking the lease and reading the cursor is one atomic script, and so is saving the
 * cursor, appending the run record and releasing the lease: the cursor is saved only while the
 * lease is still held, so a run that overran its lease cannot overwrite its successor's progress.
 */

/** KEYS: lease, cursor. ARGV: token, lease ttl ms. Returns {0} when busy, else {1, slot, next, run, started}. */
export const beginRunScript: LuaScript = {
  name: "warm-begin",
  source: `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {0} end
local s = redis.call('HMGET', KEYS[2], 'slot', 'next', 'run', 'started')
return {1, s[1] or '', s[2] or '', s[3] or '', s[4] or ''}
`,
};

/**
 * KEYS: lease, cursor, runs. ARGV: token, record (lease held), record (lease lost), runs kept,
 * history ttl ms, cursor ttl ms, slot ('' keeps it), next ('' = finished), run id, run start.
 * Returns 1 when the lease was held.
 */
export const finishRunScript: LuaScript = {
  name: "warm-finish",
  source: `
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

export type BeginResult = { status: "busy" } | { status: "leased"; lease: Lease; state: RunState };

export async function beginPlanRun(runner: RedisRunner, tenant: TenantId, plan: string, leaseTtlMs: number): Promise<BeginResult> {
  const lease = newLease(warmLeaseRedisKey(tenant, plan));
  const [reply] = await runCalls(runner, [
    { script: beginRunScript, keys: [lease.redisKey, warmCursorRedisKey(tenant, plan)], args: [lease.token, String(leaseTtlMs)] },
  ]);
  if (!reply?.ok || !Array.isArray(reply.value)) throw new StoreUnavailableError("warm run could not begin");
  const [taken, slot, next, runId, started] = reply.value.map(String);
  if (taken !== "1") return { status: "busy" };
  const state: RunState = { slot: Number(slot) || 0 };
  if (next) state.resume = { next: Number(next), runId: runId ?? "", startedAt: Number(started) || 0 };
  return { status: "leased", lease, state };
}

export interface FinishInput {
  lease: Lease;
  record: WarmRunRecord;
  /** Slot to mark as done; undefined leaves it (manual runs, unfinished runs). */
  slot: number | undefined;
}

/** Saves the cursor (if the lease is still held), appends the record, releases the lease. */
export async function finishPlanRun(runner: RedisRunner, tenant: TenantId, input: FinishInput): Promise<{ leaseHeld: boolean }> {
  const { lease, record } = input;
  const [reply] = await runCalls(runner, [
    {
      script: finishRunScript,
      keys: [lease.redisKey, warmCursorRedisKey(tenant, record.plan), warmRunsRedisKey(tenant, record.plan)],
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
      ],
    },
  ]);
  if (!reply?.ok) throw new StoreUnavailableError("warm run could not be recorded");
  return { leaseHeld: Number(reply.value) === 1 };
}
