import { PREFIX_LENGTHS } from "../../cache/upstash/watermark-scripts";
import type { LuaScript } from "../../redis/lua-script";

/**
 * Copying the control plane (tenants, tokens, indexes, warm plans and state, stats) from the
 * database moved from into the new one, key by key, as JSON. Merges never overwrite what the new
 * database already holds: since the move began every write has gone to both, so what it holds
 * is at least as new. Counters (stats) take the larger of the two.
 */

/** KEYS: keys to read. Returns one JSON document per key: {type, ttl, data}. */
export const dumpKeysScript: LuaScript = {
  name: "l2m-dump-keys",
  readOnly: true,
  source: `
local out = {}
for i, key in ipairs(KEYS) do
  local kind = redis.call('TYPE', key).ok
  local data
  if kind == 'hash' then data = redis.call('HGETALL', key)
  elseif kind == 'set' then data = redis.call('SMEMBERS', key)
  elseif kind == 'zset' then data = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
  elseif kind == 'list' then data = redis.call('LRANGE', key, 0, -1)
  elseif kind == 'string' then data = {redis.call('GET', key)}
  else data = {} end
  out[i] = cjson.encode({type = kind, ttl = redis.call('PTTL', key), data = data})
end
return out
`,
};

/**
 * KEYS: keys to write. ARGV: per key its dump, then per key '1' when its hash fields are counters.
 * Returns one JSON list per key of what the merge added that the new database did not hold: hash
 * fields (with the value written) and set members. The backfill checks those against the
 * database moved from once more (reconcileKeysScript): a delete there between the dump and the
 * merge found nothing to delete in the new database, and must not be undone by the copy.
 */
export const mergeKeysScript: LuaScript = {
  name: "l2m-merge-keys",
  source: `
local out = {}
for i, key in ipairs(KEYS) do
  local dump = cjson.decode(ARGV[i])
  local counters = ARGV[#KEYS + i] == '1'
  local existed = redis.call('EXISTS', key) == 1
  local d = dump.data
  local added = {}
  if dump.type == 'hash' then
    for j = 1, #d, 2 do
      if counters then
        local mine = tonumber(redis.call('HGET', key, d[j])) or 0
        if tonumber(d[j + 1]) > mine then redis.call('HSET', key, d[j], d[j + 1]) end
      elseif redis.call('HSETNX', key, d[j], d[j + 1]) == 1 then
        added[#added + 1] = d[j]
        added[#added + 1] = d[j + 1]
      end
    end
  elseif dump.type == 'set' then
    for j = 1, #d do
      if redis.call('SADD', key, d[j]) == 1 then added[#added + 1] = d[j] end
    end
  elseif dump.type == 'zset' then
    for j = 1, #d, 2 do redis.call('ZADD', key, 'NX', d[j + 1], d[j]) end
  elseif dump.type == 'list' then
    if not existed and #d > 0 then redis.call('RPUSH', key, unpack(d)) end
  elseif dump.type == 'string' then
    if d[1] then redis.call('SET', key, d[1], 'NX') end
  end
  if dump.type ~= 'none' and not existed and tonumber(dump.ttl) > 0 then redis.call('PEXPIRE', key, dump.ttl) end
  out[i] = #added == 0 and '[]' or cjson.encode(added)
end
return out
`,
};

/**
 * KEYS: keys to fix. ARGV: per key a JSON document {type, gone} naming what the merge added that
 * the database moved from no longer holds: hash fields as [field, value written] pairs, set
 * members. Each is removed only if it is still what the merge wrote: a write mirrored since then
 * is newer and stays. Returns how many were removed.
 */
export const reconcileKeysScript: LuaScript = {
  name: "l2m-reconcile-keys",
  source: `
local removed = 0
for i, key in ipairs(KEYS) do
  local fix = cjson.decode(ARGV[i])
  local gone = fix.gone
  if fix.type == 'hash' then
    for j = 1, #gone, 2 do
      if redis.call('HGET', key, gone[j]) == gone[j + 1] then
        removed = removed + redis.call('HDEL', key, gone[j])
      end
    end
  elseif fix.type == 'set' then
    for j = 1, #gone do removed = removed + redis.call('SREM', key, gone[j]) end
  end
end
return removed
`,
};

/**
 * KEYS: meta, watermark times, prefix lengths (the new database's, of one tenant). ARGV: when
 * current last cleared the tenant ('' if never recorded), then tag and prefix field/time pairs
 * from current's watermark times. A clear or invalidation the new database has not seen (it
 * missed a mirrored write) is raised there now: it hides more than it did in current, never
 * less. Returns how many were raised.
 */
export const syncWatermarksScript: LuaScript = {
  name: "l2m-sync-watermarks",
  source: `${PREFIX_LENGTHS}
local raised = 0
local clearAt = tonumber(ARGV[1])
if clearAt and clearAt > (tonumber(redis.call('HGET', KEYS[1], 'clearAt')) or 0) then
  local v = redis.call('HINCRBY', KEYS[1], 'seq', 1)
  redis.call('HSET', KEYS[1], 'clear', v, 'clearAt', ARGV[1])
  raised = raised + 1
end
for i = 2, #ARGV, 2 do
  local at = tonumber(ARGV[i + 1])
  if at > (tonumber(redis.call('ZSCORE', KEYS[2], ARGV[i])) or 0) then
    local v = redis.call('HINCRBY', KEYS[1], 'seq', 1)
    redis.call('HSET', KEYS[1], ARGV[i], v)
    redis.call('ZADD', KEYS[2], at, ARGV[i])
    local length = prefixLength(ARGV[i])
    -- GT: a length raised later in the new database keeps its later time.
    if length then redis.call('ZADD', KEYS[3], 'GT', at, length) end
    raised = raised + 1
  end
end
if raised > 0 then listLengths(KEYS[1], KEYS[3]) end
return raised
`,
};

/** KEYS: lease. ARGV: holder, ms. Returns 1 when taken. */
export const takeLeaseScript: LuaScript = {
  name: "l2m-take-lease",
  source: "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end return 0",
};

/** KEYS: lease. ARGV: holder. */
export const releaseLeaseScript: LuaScript = {
  name: "l2m-release-lease",
  source: "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
};

/** KEYS: state. ARGV: field/value pairs; fields named in `add:` are added to, the rest set. */
export const saveStateScript: LuaScript = {
  name: "l2m-save-state",
  source: `
for i = 1, #ARGV, 2 do
  local field = ARGV[i]
  if string.sub(field, 1, 4) == 'add:' then redis.call('HINCRBY', KEYS[1], string.sub(field, 5), ARGV[i + 1])
  else redis.call('HSET', KEYS[1], field, ARGV[i + 1]) end
end
return 1
`,
};
