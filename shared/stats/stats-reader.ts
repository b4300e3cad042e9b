import type { TenantId } from "../cache/keys";
import { StoreUnavailableError } from "../cache/store";
import { replyPairs } from "../redis/hash-reply";
import { statsMinuteRedisKey, statsRedisKey, topKeysRedisKey } from "../redis/key-layout";
import type { LuaScript } from "../redis/lua-script";
import type { RedisRunner } from "../redis/redis-client";
import { runCalls } from "../redis/script-runner";
import { type Counters, emptyCounters, isCounterName } from "./counters";

/** The counters every isolate has flushed for a tenant. */
export async function readFlushedCounters(runner: RedisRunner, tenant: TenantId): Promise<Counters> {
  const [counters] = await readHashes(runner, [statsRedisKey(tenant)]);
  return counters as Counters;
}

/** Flushed counters of many tenants, in one request. */
export async function readFlushedCountersOf(runner: RedisRunner, tenants: readonly TenantId[]): Promise<Counters[]> {
  return readHashes(
    runner,
    tenants.map((tenant) => statsRedisKey(tenant)),
  );
}

export interface MinuteCounters {
  /** Start of the minute, epoch ms. */
  at: number;
  counters: Counters;
}

/** A tenant's counters per minute over the last `minutes` (at most a day is kept), oldest first. */
export async function readMinuteSeries(
  runner: RedisRunner,
  tenant: TenantId,
  minutes: number,
  now = Date.now(),
): Promise<MinuteCounters[]> {
  const last = Math.floor(now / 60_000);
  const epochMinutes = Array.from({ length: Math.min(minutes, 1440) }, (_, i) => last - minutes + 1 + i);
  const hashes = await readHashes(
    runner,
    epochMinutes.map((minute) => statsMinuteRedisKey(tenant, minute)),
  );
  return epochMinutes.map((minute, i) => ({ at: minute * 60_000, counters: hashes[i] as Counters }));
}

async function readHashes(runner: RedisRunner, keys: readonly string[]): Promise<Counters[]> {
  if (keys.length === 0) return [];
  const replies = await runner.run(keys.map((key) => ({ op: "hgetall", key })));
  return replies.map((reply) => {
    if (!reply?.ok) throw new StoreUnavailableError("stats read failed");
    return toCounters(reply.value);
  });
}

export function toCounters(value: unknown): Counters {
  const counters = emptyCounters();
  for (const [name, count] of replyPairs(value)) {
    if (isCounterName(name)) counters[name] = Number(count) || 0;
  }
  return counters;
}

const topKeysScript: LuaScript = {
  name: "top-keys",
  readOnly: true,
  source: "return redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1, 'WITHSCORES')",
};

/** A tenant's most read keys over the last day, most read first (counted by every isolate). */
export async function readTopKeys(runner: RedisRunner, tenant: TenantId, limit: number): Promise<{ key: string; reads: number }[]> {
  const [reply] = await runCalls(runner, [{ script: topKeysScript, keys: [topKeysRedisKey(tenant)], args: [String(limit)] }]);
  if (!reply?.ok) throw new StoreUnavailableError("top keys read failed");
  return replyPairs(Array.isArray(reply.value) ? reply.value : []).map(([key, reads]) => ({ key, reads: Number(reads) || 0 }));
}
