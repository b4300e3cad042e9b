import type { LuaScript } from "../../redis/lua-script";

/**
 * Clear and invalidation: watermarks in the tenant's meta hash (entry-scripts.ts), and how old ones
 * are dropped so the hash stays bounded however many tags a tenant invalidates over time.
 *
 * Each raised watermark field (`tag:<name>`, `pfx:<prefix>`) is also recorded in the tenant's
 * watermark-times sorted set, member = the field, score = when it was last raised. A field raised longer ago than the retention is dropped from both. That never
 * brings an entry back: a watermark hides only entries written before it was raised (their `v` is
 * below it), and every such entry is gone from Redis by the end of its stale window, at most
 * MAX_TTL_SECONDS + MAX_SWR_SECONDS after its write, and from every L1 at most L1_GRACE_SECONDS
 * after that. The retention is that lifetime plus an hour for the clocks involved (the raiser's
 * `now`, the writer's, Redis's) to disagree. Watermarks raised before pruning existed are not in
 * the sorted set and stay.
 */

/**
 * Prefix watermarks: a read of key K must find any `pfx:<p>` field where p is a prefix of K. The
 * byte lengths of the tenant's prefix watermarks are kept in a sorted set (member = length,
 * score = when a prefix of that length was last raised, pruned with the same retention) and
 * listed in the meta hash's `plens` field, which a read fetches with `clear` and its tags; it
 * then reads one field per length no longer than K (entry-scripts.ts). At most
 * MAX_PREFIX_LENGTHS lengths (cache/store.ts) bound that cost; a raise that would add more is
 * refused whole. A length is dropped only when every prefix of that length has aged out.
 */
export const PREFIX_LENGTHS = `
local function prefixLength(field)
  if string.sub(field, 1, 4) == 'pfx:' then return tostring(#field - 4) end
  return nil
end
-- New lengths these fields would add to the tenant's set.
local function newLengths(lengths, fields, from)
  local seen, count = {}, 0
  for i = from, #fields do
    local length = prefixLength(fields[i])
    if length and not seen[length] and not redis.call('ZSCORE', lengths, length) then
      seen[length] = true
      count = count + 1
    end
  end
  return count
end
local function listLengths(meta, lengths)
  local all = redis.call('ZRANGE', lengths, 0, -1)
  if #all > 0 then redis.call('HSET', meta, 'plens', table.concat(all, ','))
  else redis.call('HDEL', meta, 'plens') end
end
`;

/** What raise-watermarks answers when the prefixes would take the tenant past its distinct prefix lengths. */
export const TOO_MANY_PREFIX_LENGTHS = -1;

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
 * KEYS: meta, watermark times, prefix lengths. ARGV: now (ms), retention (ms), the most distinct
 * prefix lengths, then the fields to raise (`tag:<name>`, `pfx:<prefix>`). Sets each to a fresh
 * seq, records when, prunes aged-out ones. Returns the seq, or TOO_MANY_PREFIX_LENGTHS having
 * raised nothing.
 */
export const raiseWatermarksScript: LuaScript = {
  name: "raise-watermarks",
  source: `${PRUNE}${PREFIX_LENGTHS}
local now = tonumber(ARGV[1])
local upTo = '(' .. string.format('%.0f', now - tonumber(ARGV[2]))
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', upTo)
local adding = newLengths(KEYS[3], ARGV, 4)
if adding > 0 and redis.call('ZCARD', KEYS[3]) + adding > tonumber(ARGV[3]) then
  listLengths(KEYS[1], KEYS[3])
  return ${TOO_MANY_PREFIX_LENGTHS}
end
local v = redis.call('HINCRBY', KEYS[1], 'seq', 1)
for i = 4, #ARGV do
  redis.call('HSET', KEYS[1], ARGV[i], v)
  redis.call('ZADD', KEYS[2], now, ARGV[i])
  local length = prefixLength(ARGV[i])
  if length then redis.call('ZADD', KEYS[3], now, length) end
end
prune(KEYS[1], KEYS[2], upTo, ${PRUNE_PER_RAISE})
listLengths(KEYS[1], KEYS[3])
return v
`,
};

/**
 * KEYS: meta, watermark times, storage usage, storage expiry minutes, prefix lengths. ARGV: now
 * (ms). Raises `clear` to a fresh seq and records when in `clearAt` (copies between databases
 * compare times: record-copy-scripts.ts), which hides every entry written so far: the tag and
 * prefix watermarks it supersedes are dropped (up to PRUNE_PER_CLEAR, the rest by age later; reads
 * stop looking at prefixes at once, since every prefix length goes), and the storage accounting
 * starts again from zero, since the hidden entries no longer count (storage-usage-lua.ts).
 * Returns the seq.
 */
export const clearTenantScript: LuaScript = {
  name: "clear-tenant",
  source: `${PRUNE}
local v = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[1], 'clear', v)
if ARGV[1] then redis.call('HSET', KEYS[1], 'clearAt', ARGV[1]) end
redis.call('DEL', KEYS[3], KEYS[4], KEYS[5])
redis.call('HDEL', KEYS[1], 'plens')
prune(KEYS[1], KEYS[2], '+inf', ${PRUNE_PER_CLEAR})
return v
`,
};
