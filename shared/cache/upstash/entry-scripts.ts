import type { LuaScript } from "../../redis/lua-script";
import { REAP_BEFORE_REFUSING, REAP_PER_WRITE, STORAGE_USAGE } from "./storage-usage-lua";

/**
 * Server-side checks that make a read, write or delete one command each.
 *
 * Every tenant has a meta hash (redis/key-layout.ts) holding `seq`, a counter bumped by each write, delete,
 * clear and invalidation. An entry records the `seq` of its write as `v`. A clear stores its own
 * seq as `clear`; invalidating tag T stores it as `tag:T` (watermark-scripts.ts). An entry is
 * visible only while `v` is above both watermarks, so clear and invalidate are O(1) and old
 * entries expire by their TTL. A delete leaves a tombstone (`"d":1`, no payload) that every
 * reader treats as absent and that keeps a write created before the delete out (delete-entry).
 */

// Shared by every entry script. `header` decodes an entry's header line (nil when there is
// none); `shown` says whether no clear, tag or prefix invalidation has hidden the entry under an
// entry key since its write; `createdAfter` whether it was created after the operation (c, n)
// (set-entry explains).
export const VISIBLE = `
local function header(raw)
  if not raw then return nil end
  local nl = string.find(raw, '\\n', 1, true)
  if not nl then return nil end
  return cjson.decode(string.sub(raw, 1, nl - 1))
end
-- The cache key in an entry key, ec:<tenant>:e:<key> (redis/key-layout.ts): tenant ids hold no
-- colon, so the key starts three bytes after the tenant's end.
local function cacheKeyOf(entryKey)
  return string.sub(entryKey, string.find(entryKey, ':', 4, true) + 3)
end
local function hiddenBy(marks, from, v)
  for i = from, #marks do
    if marks[i] and tonumber(marks[i]) >= v then return true end
  end
  return false
end
-- A tenant's clear watermark and prefix lengths ('plens', watermark-scripts.ts), read once per
-- meta hash in a script: a batch's reads of one tenant then cost one HMGET for all of them, plus
-- one per entry only for its tags and for the prefixes of its key at those lengths.
local metaMarks = {}
local function shown(h, meta, entryKey)
  local fields = {}
  for i, tag in ipairs(h.t or {}) do fields[i] = 'tag:' .. tag end
  local m = metaMarks[meta]
  if not m then
    local marks = redis.call('HMGET', meta, 'clear', 'plens', unpack(fields))
    m = {clear = tonumber(marks[1]), plens = marks[2]}
    metaMarks[meta] = m
    if hiddenBy(marks, 3, h.v) then return false end
    fields = {}
  end
  if m.clear and m.clear >= h.v then return false end
  if m.plens then
    local key = cacheKeyOf(entryKey)
    for length in string.gmatch(m.plens, '%d+') do
      local n = tonumber(length)
      if n <= #key then fields[#fields + 1] = 'pfx:' .. string.sub(key, 1, n) end
    end
  end
  if #fields == 0 then return true end
  return not hiddenBy(redis.call('HMGET', meta, unpack(fields)), 1, h.v)
end
local function visible(raw, meta, entryKey)
  local h = header(raw)
  if h and h.d ~= 1 and shown(h, meta, entryKey) then return h end
  return nil
end
local function createdAfter(h, c, n)
  return c and h.c and (h.c > c or (h.c == c and (h.n or 0) > n))
end
-- The header is at the front: read a prefix rather than copy a value of up to megabytes into Lua.
local function storedHeader(key)
  local head = redis.call('GETRANGE', key, 0, 4095)
  local h = header(head)
  if not h and #head == 4096 then h = header(redis.call('GET', key)) end
  return h
end
`;

/**
 * KEYS: entry, meta. ARGV: the version the caller already holds, or 0.
 * Returns nil (absent, deleted or invalidated), the version as an integer (caller's copy is
 * current), or the raw entry.
 */
export const getEntryScript: LuaScript = {
  name: "get-entry",
  readOnly: true,
  source: `${VISIBLE}
local raw = redis.call('GET', KEYS[1])
local h = visible(raw, KEYS[2], KEYS[1])
if not h then return false end
if tonumber(ARGV[1]) == h.v then return h.v end
return raw
`,
};

/** What revalidate-many answers for a key it left unchecked, its reply being full: ask again later. */
export const NOT_CHECKED = -1;

/**
 * KEYS: pairs of (entry, meta). ARGV: the most bytes of changed entries to answer with, then per
 * pair the version the caller holds. Answers per pair what get-entry would: false (absent,
 * deleted or hidden), the version (unchanged), or the raw entry (changed); once the changed
 * entries answered fill the byte limit (at least one is always answered), the pairs left get
 * NOT_CHECKED. One command however many keys: revalidations due together cost one.
 */
export const revalidateManyScript: LuaScript = {
  name: "revalidate-many",
  readOnly: true,
  source: `${VISIBLE}
local out = {}
local budget = tonumber(ARGV[1])
local bytes = 0
for i = 1, #KEYS, 2 do
  local n = (i + 1) / 2
  if bytes > budget then
    out[n] = ${NOT_CHECKED}
  else
    local raw = redis.call('GET', KEYS[i])
    local h = visible(raw, KEYS[i + 1], KEYS[i])
    if not h then out[n] = false
    elseif tonumber(ARGV[n + 1]) == h.v then out[n] = h.v
    else
      out[n] = raw
      bytes = bytes + #raw
    end
  end
end
return out
`,
};

/** What the set and delete scripts answer when Redis already holds an entry created later. */
export const SUPERSEDED = -1;
/** What the set script answers when the write would take the tenant over its storage budget. */
export const OVER_BUDGET = -2;

/**
 * KEYS: entry, meta, storage usage, storage expiry minutes. ARGV: header tail, payload, expiry in
 * ms, '1' to store only if absent, the entry's creation time (ms), its write order (below), the
 * tenant's storage budget in bytes ('' = not enforced), now (ms), the entry's staleUntil (ms).
 * Returns the entry's version; 0 when a visible entry exists and only-if-absent was asked;
 * SUPERSEDED when the entry or tombstone Redis holds was created later, in which case it stays;
 * OVER_BUDGET when the write would add bytes past the budget, in which case nothing is written.
 *
 * Writes are ordered by creation time, not by arrival: a request can reach Redis long after its
 * writer gave up on it (a timed-out HTTP request is not cancelled on the way), so arrival order
 * lets a write answered 202 replace a newer one answered 201. Creation times come from each
 * isolate's clock, which in Workers is coarse (it advances only on I/O) and not shared, so two
 * writes created closer together than the clocks' skew (milliseconds) may be ordered either way.
 * That is acceptable: no client can order two writes that close either, since each takes a round
 * trip to the edge; whereas a late delivery can be hundreds of milliseconds behind. Within one
 * isolate, the write order (a counter of that isolate's writes and deletes, `n` in the header)
 * breaks ties in the same millisecond, so two writes one after the other from one isolate keep
 * their order. On a full tie (the same write sent twice by a transport retry) the incoming write
 * is stored again. The stored entry is compared even when a clear or tag has hidden it: it was
 * written after the incoming one was created, so the clear that hid it came after too. A
 * tombstone is compared the same way, which is what keeps a deleted key deleted.
 */
export const setEntryScript: LuaScript = {
  name: "set-entry",
  source: `${VISIBLE}${STORAGE_USAGE}
local nowMinute = minuteOf(ARGV[8])
reap(KEYS[3], KEYS[4], nowMinute, ${REAP_PER_WRITE})
local h = storedHeader(KEYS[1])
if h then
  if ARGV[4] == '1' and h.d ~= 1 and shown(h, KEYS[2], KEYS[1]) then return 0 end
  if createdAfter(h, tonumber(ARGV[5]), tonumber(ARGV[6]) or 0) then return ${SUPERSEDED} end
end
local oldBytes, oldMinute = countedBytes(h, KEYS[1], KEYS[2], KEYS[3])
local v = (tonumber(redis.call('HGET', KEYS[2], 'seq')) or 0) + 1
local prefix = '{"v":' .. digits(v) .. ',"u":1,'
local newBytes = #KEYS[1] + #prefix + #ARGV[1] + 1 + #ARGV[2]
local budget = tonumber(ARGV[7])
if budget and newBytes > oldBytes then
  local function fits()
    return (tonumber(redis.call('HGET', KEYS[3], 'used')) or 0) + newBytes - oldBytes <= budget
  end
  if not fits() then
    if reap(KEYS[3], KEYS[4], nowMinute, ${REAP_BEFORE_REFUSING}) == 0 then return ${OVER_BUDGET} end
    oldBytes, oldMinute = countedBytes(h, KEYS[1], KEYS[2], KEYS[3])
    if not fits() then return ${OVER_BUDGET} end
  end
end
redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('SET', KEYS[1], prefix .. ARGV[1] .. '\\n' .. ARGV[2], 'PX', ARGV[3])
recount(KEYS[3], KEYS[4], oldBytes, oldMinute, newBytes, minuteOf(ARGV[9]))
return v
`,
};

/**
 * KEYS: entry, meta, storage usage, storage expiry minutes. ARGV: the delete's creation time
 * (ms), its write order, the tombstone's lifetime (ms), now (ms). Replaces the entry with a
 * tombstone, a header-only value that reads treat as absent and that refuses (set-entry) any
 * write created before the delete, for as long as it lives. Returns its version, or SUPERSEDED
 * when Redis holds an entry created after the delete (the delete came late), which stays: the
 * delete happened, and was then overwritten. Never refused by the storage budget, though a
 * tombstone counts in it while it lives.
 */
export const deleteEntryScript: LuaScript = {
  name: "delete-entry",
  source: `${VISIBLE}${STORAGE_USAGE}
local now = tonumber(ARGV[4])
reap(KEYS[3], KEYS[4], minuteOf(now), ${REAP_PER_WRITE})
local h = storedHeader(KEYS[1])
if h and createdAfter(h, tonumber(ARGV[1]), tonumber(ARGV[2]) or 0) then return ${SUPERSEDED} end
local oldBytes, oldMinute = countedBytes(h, KEYS[1], KEYS[2], KEYS[3])
local v = redis.call('HINCRBY', KEYS[2], 'seq', 1)
local s = now + tonumber(ARGV[3])
local tombstone = '{"v":' .. digits(v) .. ',"u":1,"c":' .. ARGV[1] .. ',"n":' .. ARGV[2] .. ',"s":' .. digits(s) .. ',"d":1}\\n'
redis.call('SET', KEYS[1], tombstone, 'PX', ARGV[3])
recount(KEYS[3], KEYS[4], oldBytes, oldMinute, #KEYS[1] + #tombstone, minuteOf(s))
return v
`,
};
