import type { LuaScript } from "../redis/lua-script";

/**
 * KEYS: stats hash, flush marker, this minute's stats hash, top-keys sorted set, the tenant's
 * deleted marker. ARGV: marker TTL in seconds, minute hash TTL in seconds, how many counter
 * arguments follow, the field/delta pairs, then key/reads pairs. The flush marker makes a retried
 * flush a no-op, so counters never count twice; a deleted tenant's counts are dropped, never
 * written back under the keys its purge removed. Returns 1 if applied.
 */
export const flushStatsScript: LuaScript = {
  name: "flush-stats",
  source: `
if redis.call('EXISTS', KEYS[5]) == 1 then return 0 end
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
