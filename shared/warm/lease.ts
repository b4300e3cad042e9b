import { StoreUnavailableError } from "../cache/store";
import type { LuaScript } from "../redis/lua-script";
import type { RedisRunner } from "../redis/redis-client";
import { runCalls, type ScriptCall } from "../redis/script-runner";

/**
 * A Redis lease: `SET NX PX` with a random token, released only by its holder (compare and
 * delete), so a holder whose lease expired cannot release the next holder's. It expires on its
 * own when a holder dies, which is what makes a crashed run harmless.
 */

/** KEYS: lease. ARGV: token, ttl in ms. Returns 1 when taken, 0 when someone holds it. */
export const acquireLeaseScript: LuaScript = {
  name: "acquire-lease",
  source: `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
return 0
`,
};

/** KEYS: lease. ARGV: token. Returns 1 when this token held it and it is now released. */
export const releaseLeaseScript: LuaScript = {
  name: "release-lease",
  source: `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
};

export interface Lease {
  readonly redisKey: string;
  readonly token: string;
}

export function newLease(redisKey: string): Lease {
  return { redisKey, token: crypto.randomUUID() };
}

export function acquireCall(lease: Lease, ttlMs: number): ScriptCall {
  return { script: acquireLeaseScript, keys: [lease.redisKey], args: [lease.token, String(Math.max(1, Math.round(ttlMs)))] };
}

export function releaseCall(lease: Lease): ScriptCall {
  return { script: releaseLeaseScript, keys: [lease.redisKey], args: [lease.token] };
}

/** The lease, or undefined while another holder has it. */
export async function acquireLease(runner: RedisRunner, redisKey: string, ttlMs: number): Promise<Lease | undefined> {
  const lease = newLease(redisKey);
  const [reply] = await runCalls(runner, [acquireCall(lease, ttlMs)]);
  if (!reply?.ok) throw new StoreUnavailableError("lease could not be taken");
  return Number(reply.value) === 1 ? lease : undefined;
}

/** True when the lease was still ours; false when it had expired (and maybe been taken). */
export async function releaseLease(runner: RedisRunner, lease: Lease): Promise<boolean> {
  const [reply] = await runCalls(runner, [releaseCall(lease)]);
  if (!reply?.ok) throw new StoreUnavailableError("lease could not be released");
  return Number(reply.value) === 1;
}
