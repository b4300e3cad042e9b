import type { LuaScript } from "../../redis/lua-script";
import { VISIBLE } from "./entry-scripts";
import { REAP_PER_WRITE, STORAGE_USAGE } from "./storage-usage-lua";

/**
 * Copying entries between two databases (l2/migration/): read as stored, then written into the
 * other database re-versioned. Versions (`v`) count per database (the meta hash's `seq`), so a
 * copied entry takes a fresh one there; clears, tag and prefix invalidations are compared by time
 * instead: the target records when each was raised (`clearAt` in the meta hash, the watermark
 * times sorted set), and an entry created no later than one that covers it is not copied.
 */

/** The remaining lifetime readRecordsScript gives a key it left for a later request. */
export const NOT_READ = -3;

/**
 * KEYS: pairs of (entry, meta). ARGV: the most value bytes to answer with. Returns, per pair, the
 * stored value and its remaining lifetime in ms, or false and 0 when there is nothing to copy:
 * absent, or hidden by a clear or tag invalidation of this database. A delete's tombstone is
 * returned: it must keep the key deleted in the target too. Once the answer holds the most bytes
 * (at least one value), the keys left get false and NOT_READ, to be asked again.
 */
export const readRecordsScript: LuaScript = {
  name: "read-records",
  readOnly: true,
  source: `${VISIBLE}
local out = {}
local budget = tonumber(ARGV[1])
local bytes = 0
for i = 1, #KEYS, 2 do
  local size = bytes > 0 and redis.call('STRLEN', KEYS[i]) or 0
  local raw = nil
  if bytes + size <= budget then raw = redis.call('GET', KEYS[i]) end
  local h = header(raw)
  if bytes + size > budget then
    out[#out + 1] = false
    out[#out + 1] = ${NOT_READ}
  elseif h and (h.d == 1 or shown(h, KEYS[i + 1], KEYS[i])) then
    bytes = bytes + #raw
    out[#out + 1] = raw
    out[#out + 1] = redis.call('PTTL', KEYS[i])
  else
    out[#out + 1] = false
    out[#out + 1] = 0
  end
end
return out
`,
};

/** Not copied: the target holds the same entry (already copied) or one created later. */
export const COPY_NEWER = -1;
/** Not copied: a clear or tag invalidation in the target was raised after the entry was created. */
export const COPY_HIDDEN = -2;
/** Not copied: the value is not an entry this version can read. */
export const COPY_UNREADABLE = -3;

/**
 * KEYS: entry, meta, tag times, storage usage, storage expiry minutes. ARGV: the stored value,
 * its remaining lifetime (ms), now (ms). Returns the version it was stored under, or COPY_NEWER,
 * COPY_HIDDEN, COPY_UNREADABLE. Idempotent: copying the same entry twice (two isolates promoting
 * one key, a backfill pass over a key a read already promoted) writes it once.
 */
export const writeRecordScript: LuaScript = {
  name: "write-record",
  source: `${VISIBLE}${STORAGE_USAGE}
local raw = ARGV[1]
local h = header(raw)
local comma = raw and string.find(raw, ',', 1, true)
if not h or not comma or not h.s then return ${COPY_UNREADABLE} end
local c = h.c
if h.d ~= 1 and c then
  local clearAt = tonumber(redis.call('HGET', KEYS[2], 'clearAt'))
  if clearAt and clearAt >= c then return ${COPY_HIDDEN} end
  for _, tag in ipairs(h.t or {}) do
    local at = tonumber(redis.call('ZSCORE', KEYS[3], 'tag:' .. tag))
    if at and at >= c then return ${COPY_HIDDEN} end
  end
  local plens = redis.call('HGET', KEYS[2], 'plens')
  if plens then
    local key = cacheKeyOf(KEYS[1])
    for length in string.gmatch(plens, '%d+') do
      local n = tonumber(length)
      if n <= #key then
        local at = tonumber(redis.call('ZSCORE', KEYS[3], 'pfx:' .. string.sub(key, 1, n)))
        if at and at >= c then return ${COPY_HIDDEN} end
      end
    end
  end
end
local nowMinute = minuteOf(ARGV[3])
reap(KEYS[4], KEYS[5], nowMinute, ${REAP_PER_WRITE})
local existing = storedHeader(KEYS[1])
if existing then
  if existing.c == c and (existing.n or 0) == (h.n or 0) then return ${COPY_NEWER} end
  if createdAfter(existing, c, h.n or 0) then return ${COPY_NEWER} end
end
local oldBytes, oldMinute = countedBytes(existing, KEYS[1], KEYS[2], KEYS[4])
local v = redis.call('HINCRBY', KEYS[2], 'seq', 1)
local stored = '{"v":' .. digits(v) .. string.sub(raw, comma)
redis.call('SET', KEYS[1], stored, 'PX', ARGV[2])
recount(KEYS[4], KEYS[5], oldBytes, oldMinute, #KEYS[1] + #stored, minuteOf(h.s))
return v
`,
};
