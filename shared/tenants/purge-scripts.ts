import type { LuaScript } from "../redis/lua-script";

/**
 * The scripts of a deleted tenant's purge (tenant-purge.ts). Each first checks that the purge is
 * still recorded: once it is finished the id may be created again, and a sweep page still under
 * way (a second caller, a retried request) must then touch nothing of the new tenant.
 */

/** KEYS: tenant purges hash, then the keys to delete. ARGV: tenant id. Keys deleted, or -1 when no purge is recorded. */
export const sweepKeysScript: LuaScript = {
  name: "tenant-purge-sweep",
  source: `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return -1 end
local deleted = 0
for i = 2, #KEYS do deleted = deleted + redis.call('DEL', KEYS[i]) end
return deleted
`,
};

/**
 * KEYS: tenant purges hash, the tenant's meta hash, its token index, warm due, refresh due, warm
 * tenants, its deleted marker. ARGV: tenant id, how long the marker lasts (seconds). Ends the
 * purge: the meta hash goes last, since until now its clear watermark hid entries a sweep had not
 * reached yet; the tenant leaves the system-wide indexes again, in case a request under way when
 * it was deleted put it back; the marker turns away stats flushes still on their way. 1, or 0
 * when no purge was recorded (another caller ended it).
 */
export const finishPurgeScript: LuaScript = {
  name: "tenant-purge-finish",
  source: `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
redis.call('SREM', KEYS[6], ARGV[1])
redis.call('SET', KEYS[7], '1', 'EX', ARGV[2])
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
`,
};
