/**
 * Lua shared by the scripts that keep a tenant's L2 storage use: the set and delete scripts
 * (entry-scripts.ts) and the stats read (stats/tenant-counters.ts).
 *
 * Layout (redis/key-layout.ts): the usage hash holds `used`, the bytes the tenant's counted entries hold, and
 * one field per epoch minute with the bytes of the entries that expire in it; the expiry sorted
 * set lists those minutes (score = minute). An entry's size is its Redis key's bytes plus its
 * value's; its minute is that of its header's `s` (when Redis expires it). A counted entry says
 * so in its header (`"u":1`): entries written before the accounting existed are never subtracted.
 *
 * Expiry is accounted for lazily: Redis expires entries on its own and tells no one, so a write
 * first reaps the minutes already over, subtracting them from `used`. One write reaps at most
 * REAP_PER_WRITE minutes so it stays O(1); the rest go on the next writes.
 *
 * Error bound, stated in the README: the figure counts key and value bytes, not Redis's own
 * per-key overhead (about 50-100 bytes a key); an expired entry keeps counting until the end of
 * its expiry minute (up to 60 s late), or until the tenant's next write when it writes nothing for
 * longer (reads compute the reaped figure without writing it); a clear stops counting what it hid
 * at once, while Redis still holds those entries until they expire. `used` and every minute
 * never go below zero.
 */

/** Minutes a write reaps before it checks the budget; more only when the budget would refuse it. */
export const REAP_PER_WRITE = 64;
/** Minutes a write refused by the budget reaps first, so a tenant back from a long pause is not refused for entries long gone. */
export const REAP_BEFORE_REFUSING = 1024;
/** Past minutes a stats read subtracts; a tenant with more unreaped ones (a long pause) reads a little high until it writes. */
export const READ_PAST_MINUTES = 4096;

// `%.0f`: concatenating a Lua number would print large ones in exponent form.
export const STORAGE_USAGE = `
local function digits(n) return string.format('%.0f', n) end
local function minuteOf(ms) return math.floor(tonumber(ms) / 60000) end
local function addUsed(usage, delta)
  if delta ~= 0 and redis.call('HINCRBY', usage, 'used', delta) < 0 then redis.call('HSET', usage, 'used', 0) end
end
local function addToMinute(usage, expiry, minute, delta)
  local field = digits(minute)
  if redis.call('HINCRBY', usage, field, delta) <= 0 then
    redis.call('HDEL', usage, field)
    redis.call('ZREM', expiry, field)
  elseif delta > 0 then
    redis.call('ZADD', expiry, minute, field)
  end
end
-- Subtracts the minutes before nowMinute (at most limit of them); returns how many it reaped.
local function reap(usage, expiry, nowMinute, limit)
  local due = redis.call('ZRANGEBYSCORE', expiry, '-inf', '(' .. digits(nowMinute), 'LIMIT', 0, limit)
  if #due == 0 then return 0 end
  local bytes = redis.call('HMGET', usage, unpack(due))
  local freed = 0
  for i = 1, #bytes do freed = freed + (tonumber(bytes[i]) or 0) end
  redis.call('HDEL', usage, unpack(due))
  redis.call('ZREM', expiry, unpack(due))
  addUsed(usage, -freed)
  return #due
end
-- What the stored entry (header h) still adds to the usage, and its minute. Nothing for an
-- entry never counted, one hidden by a clear (the clear reset the usage), or one whose minute
-- was reaped already (Redis may expire it a little after its minute, when its write came late).
local function countedBytes(h, entryKey, meta, usage)
  if not h or h.u ~= 1 or not h.s then return 0, nil end
  local clear = tonumber(redis.call('HGET', meta, 'clear'))
  if clear and h.v <= clear then return 0, nil end
  local minute = minuteOf(h.s)
  local inMinute = tonumber(redis.call('HGET', usage, digits(minute))) or 0
  return math.min(#entryKey + redis.call('STRLEN', entryKey), inMinute), minute
end
-- Replaces what the old entry counted with what the new value counts.
local function recount(usage, expiry, oldBytes, oldMinute, newBytes, newMinute)
  if oldBytes > 0 then
    addUsed(usage, -oldBytes)
    addToMinute(usage, expiry, oldMinute, -oldBytes)
  end
  addUsed(usage, newBytes)
  addToMinute(usage, expiry, newMinute, newBytes)
  -- The accounting lives as long as the last entry it counts, plus an hour of clock skew, so a
  -- tenant that stops writing leaves nothing behind.
  local last = redis.call('ZRANGE', expiry, -1, -1, 'WITHSCORES')
  if last[2] then
    local at = (tonumber(last[2]) + 61) * 60000
    redis.call('PEXPIREAT', usage, digits(at))
    redis.call('PEXPIREAT', expiry, digits(at))
  end
end
`;

/** Read-only: the usage as a write at `nowMinute` would see it after reaping every past minute. */
export const READ_STORAGE_USED = `
local function storageUsed(usage, expiry, nowMinute)
  local used = tonumber(redis.call('HGET', usage, 'used')) or 0
  local past = redis.call('ZRANGEBYSCORE', expiry, '-inf', '(' .. string.format('%.0f', nowMinute), 'LIMIT', 0, ${READ_PAST_MINUTES})
  if #past > 0 then
    local bytes = redis.call('HMGET', usage, unpack(past))
    for i = 1, #bytes do used = used - (tonumber(bytes[i]) or 0) end
  end
  if used < 0 then return 0 end
  return used
end
`;
