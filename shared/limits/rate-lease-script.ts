import type { LuaScript } from "../redis/lua-script";

/**
 * KEYS: the current window's counter, the previous window's. ARGV: the limit, now (ms), the
 * window (ms), how many requests the isolate asks for. A sliding window (the previous fixed
 * window weighted by its overlap with the sliding one, as @upstash/ratelimit counts it): grants
 * what is left of the limit, up to the ask, and counts the grant at once.
 * Returns { granted (0 when the window is full), requests counted in the sliding window after it }.
 */
export const rateLeaseScript: LuaScript = {
  name: "rate-lease",
  source: `
local limit = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local ask = tonumber(ARGV[4])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
local used = math.floor(previous * (1 - (now % window) / window)) + current
local granted = math.min(ask, limit - used)
if granted <= 0 then return {0, used} end
if redis.call('INCRBY', KEYS[1], granted) == granted then
  -- Read as the previous window through the next one, plus a second of clock skew.
  redis.call('PEXPIRE', KEYS[1], window * 2 + 1000)
end
return {granted, used + granted}
`,
};
