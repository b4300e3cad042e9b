import { digestHex } from "../encoding";

/**
 * Server-side checks that make a read, write, clear or invalidation one command each.
 *
 * Every tenant has a meta hash (keys.ts) holding `seq`, a counter bumped by each write, clear
 * and invalidation. An entry records the `seq` of its write as `v`. A clear stores its own seq
 * as `clear`; invalidating tag T stores it as `tag:T`. An entry is visible only while `v` is
 * above both watermarks, so clear and invalidate are O(1) and old entries expire by their TTL.
 */

// Shared by the read and the write. `header` decodes an entry's header line (nil when there is
// none); `shown` says whether no clear or tag invalidation has hidden it since its write.
const VISIBLE = `
local function header(raw)
  if not raw then return nil end
  local nl = string.find(raw, '\\n', 1, true)
  if not nl then return nil end
  return cjson.decode(string.sub(raw, 1, nl - 1))
end
local function shown(h, meta)
  local fields = {'clear'}
  for i, tag in ipairs(h.t) do fields[i + 1] = 'tag:' .. tag end
  local marks = redis.call('HMGET', meta, unpack(fields))
  for i = 1, #marks do
    if marks[i] and tonumber(marks[i]) >= h.v then return false end
  end
  return true
end
local function visible(raw, meta)
  local h = header(raw)
  if h and shown(h, meta) then return h end
  return nil
end
`;

export interface LuaScript {
  readonly name: string;
  readonly source: string;
}

/**
 * KEYS: entry, meta. ARGV: the version the caller already holds, or 0.
 * Returns nil (absent or invalidated), the version as an integer (caller's copy is current),
 * or the raw entry.
 */
export const getEntryScript: LuaScript = {
  name: "get-entry",
  source: `${VISIBLE}
local raw = redis.call('GET', KEYS[1])
local h = visible(raw, KEYS[2])
if not h then return false end
if tonumber(ARGV[1]) == h.v then return h.v end
return raw
`,
};

/** What the set script answers when Redis already holds a newer entry under the key. */
export const SUPERSEDED = -1;

/**
 * KEYS: entry, meta. ARGV: header tail, payload, expiry in ms, '1' to store only if absent, the
 * entry's creation time (ms), its write order (below). Returns the entry's version; 0 when a
 * visible entry exists and only-if-absent was asked; SUPERSEDED when the entry Redis holds was
 * created later, in which case it stays.
 *
 * Writes are ordered by creation time, not by arrival: a request can reach Redis long after its
 * writer gave up on it (a timed-out HTTP request is not cancelled on the way), so arrival order
 * lets a write answered 202 replace a newer one answered 201. Creation times come from each
 * isolate's clock, which in Workers is coarse (it advances only on I/O) and not shared, so two
 * writes created closer together than the clocks' skew (milliseconds) may be ordered either way.
 * That is acceptable: no client can order two writes that close either, since each takes a round
 * trip to the edge; whereas a late delivery can be hundreds of milliseconds behind. Within one
 * isolate, the write order (a counter of that isolate's writes, `n` in the header) breaks ties in
 * the same millisecond, so two writes one after the other from one isolate keep their order. On a
 * full tie (the same write sent twice by a transport retry) the incoming write is stored again.
 * The stored entry is compared even when a clear or tag has hidden it: it was written after the
 * incoming one was created, so the clear that hid it came after too.
 */
export const setEntryScript: LuaScript = {
  name: "set-entry",
  source: `${VISIBLE}
-- The header is at the front: read a prefix rather than copy a value of up to megabytes into Lua.
local head = redis.call('GETRANGE', KEYS[1], 0, 4095)
local h = header(head)
if not h and #head == 4096 then h = header(redis.call('GET', KEYS[1])) end
if h then
  if ARGV[4] == '1' and shown(h, KEYS[2]) then return 0 end
  local c, n = tonumber(ARGV[5]), tonumber(ARGV[6]) or 0
  if c and h.c and (h.c > c or (h.c == c and (h.n or 0) > n)) then return ${SUPERSEDED} end
end
local v = redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('SET', KEYS[1], '{"v":' .. v .. ',' .. ARGV[1] .. '\\n' .. ARGV[2], 'PX', ARGV[3])
return v
`,
};

/** KEYS: meta. ARGV: field names to set to a fresh seq ('clear' or 'tag:<name>'). Returns it. */
export const raiseWatermarksScript: LuaScript = {
  name: "raise-watermarks",
  source: `
local v = redis.call('HINCRBY', KEYS[1], 'seq', 1)
for i = 1, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], v) end
return v
`,
};

/**
 * KEYS: stats hash, flush marker, this minute's stats hash, top-keys sorted set. ARGV: marker TTL
 * in seconds, minute hash TTL in seconds, how many counter arguments follow, the field/delta
 * pairs, then key/reads pairs. The marker makes a retried flush a no-op, so counters never
 * count twice. Returns 1 if applied.
 */
export const flushStatsScript: LuaScript = {
  name: "flush-stats",
  source: `
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return 0 end
local last = 3 + tonumber(ARGV[3])
for i = 4, last, 2 do
  redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('HINCRBY', KEYS[3], ARGV[i], ARGV[i + 1])
end
if last > 3 then redis.call('EXPIRE', KEYS[3], ARGV[2]) end
if #ARGV > last then
  for i = last + 1, #ARGV, 2 do redis.call('ZINCRBY', KEYS[4], ARGV[i + 1], ARGV[i]) end
  redis.call('ZREMRANGEBYRANK', KEYS[4], 0, -501)
  redis.call('EXPIRE', KEYS[4], 86400)
end
return 1
`,
};

/**
 * KEYS: stats hash, then the marker of the reader's unconfirmed flush, if it has one. Returns the
 * hash's fields and values, and 1 if the marker exists (that flush is already in the hash). One
 * script, so the two describe one moment: no flush lands between them.
 */
export const readStatsScript: LuaScript = {
  name: "read-stats",
  source: `
local applied = 0
if KEYS[2] then applied = redis.call('EXISTS', KEYS[2]) end
return {redis.call('HGETALL', KEYS[1]), applied}
`,
};

const shaCache = new Map<string, string>();

/** SHA-1 of the script source, as EVALSHA wants it. */
export async function scriptSha(script: LuaScript): Promise<string> {
  const cached = shaCache.get(script.source);
  if (cached) return cached;
  const hex = await digestHex("SHA-1", script.source);
  shaCache.set(script.source, hex);
  return hex;
}
