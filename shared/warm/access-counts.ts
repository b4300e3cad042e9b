import type { EntryKey, TenantId } from "../cache/keys";
import { StoreUnavailableError } from "../cache/store";
import { accessCountsRedisKey, REFRESH_DUE_REDIS_KEY } from "../redis/key-layout";
import type { LuaScript } from "../redis/lua-script";
import type { RedisRunner } from "../redis/redis-client";
import { runCalls } from "../redis/script-runner";

/**
 * Which keys were read often recently, per tenant: a sorted set of keys scored by sampled reads.
 * Only 1 read in `sampleRate` is written (scored `sampleRate`), so the GET path pays one Redis
 * request per N reads, off the request path. The set is bounded (lowest scores trimmed) and
 * decays: every refresh-ahead pass halves the scores, so "often" means "recently often".
 *
 * A recorded read also puts its tenant in the refresh-due set (tenant → when its hot keys are
 * next looked at), unless it is there already: a tick takes the head of that set, never a list
 * of every tenant.
 */

/** KEYS: access set, refresh due. ARGV: key, increment, max members, ttl ms, tenant, now. */
export const recordAccessScript: LuaScript = {
  name: "warm-record-access",
  source: `
redis.call('ZINCRBY', KEYS[1], ARGV[2], ARGV[1])
local extra = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
if extra > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, extra - 1) end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZADD', KEYS[2], 'NX', ARGV[6], ARGV[5])
return 1
`,
};

/**
 * KEYS: access set, refresh due. ARGV: minimum score, how many, decay factor, tenant, now, next look.
 * Unless another tick already took this tenant (its look is not due at `now`): returns the
 * hottest keys at or above the minimum, multiplies every score by the decay (dropping members
 * that fall under 1), and moves the tenant's next look on, or forgets the tenant when no key is left.
 */
export const takeHotKeysScript: LuaScript = {
  name: "warm-take-hot",
  source: `
local due = redis.call('ZSCORE', KEYS[2], ARGV[4])
if not due or tonumber(due) > tonumber(ARGV[5]) then return {} end
local hot = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local all = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local decay = tonumber(ARGV[3])
for i = 1, #all, 2 do
  local score = tonumber(all[i + 1]) * decay
  if score < 1 then redis.call('ZREM', KEYS[1], all[i]) else redis.call('ZADD', KEYS[1], score, all[i]) end
end
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('ZADD', KEYS[2], ARGV[6], ARGV[4]) else redis.call('ZREM', KEYS[2], ARGV[4]) end
return hot
`,
};

export interface RecordAccessOptions {
  /** Record 1 read in this many. @default 16 */
  sampleRate?: number;
  /** Keys kept per tenant; the least read are dropped. @default 1000 */
  maxKeys?: number;
  /** The set disappears after this long without a recorded read. @default 1 day */
  ttlMs?: number;
  random?: () => number;
  now?: () => number;
}

/**
 * Call from the GET path through `waitUntil`, for entries that have an origin. Resolves without
 * touching Redis for the reads the sample skips; true when this read was recorded.
 */
export async function recordAccess(runner: RedisRunner, key: EntryKey, options: RecordAccessOptions = {}): Promise<boolean> {
  const sampleRate = Math.max(1, Math.floor(options.sampleRate ?? 16));
  if ((options.random ?? Math.random)() * sampleRate >= 1) return false;
  const [reply] = await runCalls(runner, [
    {
      script: recordAccessScript,
      keys: [accessCountsRedisKey(key.tenant), REFRESH_DUE_REDIS_KEY],
      args: [
        key.key,
        String(sampleRate),
        String(options.maxKeys ?? 1000),
        String(options.ttlMs ?? 86_400_000),
        key.tenant,
        String((options.now ?? Date.now)()),
      ],
    },
  ]);
  if (!reply?.ok) throw new StoreUnavailableError("access could not be recorded");
  return true;
}

export interface HotKeyOptions {
  /** Estimated reads (sampled count) a key needs to be hot. */
  minScore: number;
  /** Hottest keys returned per tenant. */
  limit: number;
  /** Multiplier applied to every score after reading. */
  decay: number;
  /** The tick's time: a tenant whose look is due later was taken by another tick and is skipped. */
  now: number;
  /** When the tenants' hot keys are looked at next. */
  nextLookAt: number;
}

/** Each tenant's hot keys, in one request; scores decay and the tenants' next look moves on as a side effect. */
export async function takeHotKeys(runner: RedisRunner, tenants: readonly TenantId[], options: HotKeyOptions): Promise<EntryKey[][]> {
  if (tenants.length === 0) return [];
  const replies = await runCalls(
    runner,
    tenants.map((tenant) => ({
      script: takeHotKeysScript,
      keys: [accessCountsRedisKey(tenant), REFRESH_DUE_REDIS_KEY],
      args: [
        String(options.minScore),
        String(options.limit),
        String(options.decay),
        tenant,
        String(options.now),
        String(options.nextLookAt),
      ],
    })),
  );
  return replies.map((reply, i) => {
    if (!reply.ok) throw new StoreUnavailableError("hot keys could not be read");
    const tenant = tenants[i] as TenantId;
    return Array.isArray(reply.value) ? reply.value.map((key) => ({ tenant, key: String(key) })) : [];
  });
}
