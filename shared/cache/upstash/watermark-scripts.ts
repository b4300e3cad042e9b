import type { LuaScript } from "../../redis/lua-script";

/**
 * Clear and invalidation: watermarks in the tenant's meta hash (entry-scripts.ts), and how old ones
 * are dropped so the hash stays bounded however many tags a tenant invalidates over time.
 *
 * Each raised watermark field (`tag:<name>`; issue 16's `prefix:<p>` fields fit the same way) is
 * also recorded in the tenant's watermark-times sorted set, member = the field, score = when it
 * was last raised. A field raised longer ago than the retention is dropped from both. That never
 * brings an entry back: a watermark hides only entries written before it was raised (their `v` is
 * below it), and every such entry is gone from Redis by the end of its stale window, at most
 * MAX_TTL_SECONDS + MAX_SWR_SECONDS after its write, and from every L1 at most L1_GRACE_SECONDS
 * after that. The retention is that lifetime plus an hour for the clocks involved (the raiser's
 * `now`, the writer's, Redis's) to disagree. Watermarks raised before pruning existed are not in
 * the sorted set and stay.
 */

/** Watermarks one invalidation prunes at most, so it stays O(1) however many have aged out. */
export const PRUNE_PER_RAISE = 100;
/** Tag watermarks one clear drops at most; any left are pruned later, by age. */
export const PRUNE_PER_CLEAR = 1000;

// Drops up to `limit` fields raised no later than `upTo` (a ZRANGEBYSCORE bound).
const PRUNE = `
local function prune(meta, times, upTo, limit)
  local old = redis.call('ZRANGEBYSCORE', times, '-inf', upTo, 'LIMIT', 0, limit)
  if #old == 0 then return end
  redis.call('HDEL', meta, unpack(old))
  redis.call('ZREM', times, unpack(old))
end
`;

/**
 * KEYS: meta, watermark times. ARGV: now (ms), retention (ms), then the fields to raise
 * (`tag:<name>`). Sets each to a fresh seq, records when, prunes aged-out ones. Returns the seq.
 */
export const raiseWatermarksScript: LuaScript = {
  name: "raise-watermarks",
  source: `${PRUNE}
local now = tonumber(ARGV[1])
local v = redis.call('HINCRBY', KEYS[1], 'seq', 1)
for i = 3, #ARGV do
  redis.call('HSET', KEYS[1], ARGV[i], v)
  redis.call('ZADD', KEYS[2], now, ARGV[i])
end
prune(KEYS[1], KEYS[2], '(' .. string.format('%.0f', now - tonumber(ARGV[2])), ${PRUNE_PER_RAISE})
return v
`,
};

/**
 * KEYS: meta, watermark times, storage usage, storage expiry minutes. ARGV: now (ms). Raises
 * `clear` to a fresh seq and records when in `clearAt` (copies between databases compare times:
 * record-copy-scripts.ts), which hides every entry written so far: the tag watermarks it supersedes are dropped
 * (up to PRUNE_PER_CLEAR, the rest by age later), and the storage accounting starts again from
 * zero, since the hidden entries no longer count (storage-usage-lua.ts). Returns the seq.
 */
export const clearTenantScript: LuaScript = {
  name: "clear-tenant",
  source: `${PRUNE}
local v = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 'clear', v)
if ARGV[1] then redis.call('HSET', KEYS[1], 'clearAt', ARGV[1]) end
redis.call('DEL', KEYS[3], KEYS[4])
prune(KEYS[1], KEYS[2], '+inf', ${PRUNE_PER_CLEAR})
return v
`,
};
