import type { LuaScript } from "../../redis/lua-script";
import type { RedisRunner } from "../../redis/redis-client";
import { runCalls } from "../../redis/script-runner";
import { RESYNC_FLAG_KEY } from "./migration-keys";

/** KEYS: the flag. ARGV: when (ms). */
const markScript: LuaScript = {
  name: "l2m-mark-resync",
  source: "redis.call('SET', KEYS[1], ARGV[1]) return 1",
};

/** KEYS: the flag. Returns 1 and drops it when it was set. */
export const takeResyncScript: LuaScript = {
  name: "l2m-take-resync",
  source: "return redis.call('DEL', KEYS[1])",
};

// One flag per isolate per interval is enough: a pass started after it covers every miss before it.
const MARK_INTERVAL_MS = 1000;
let lastMarkAt = Number.NEGATIVE_INFINITY;

/**
 * Records that the new database missed a write, so the backfill makes another pass. Best effort:
 * when even this fails, the miss is still counted in /health and /metrics for the operator.
 */
export async function markResyncNeeded(runner: RedisRunner, now: () => number): Promise<void> {
  const at = now();
  if (at - lastMarkAt < MARK_INTERVAL_MS) return;
  lastMarkAt = at;
  await runCalls(runner, [{ script: markScript, keys: [RESYNC_FLAG_KEY], args: [String(at)] }]).catch(() => undefined);
}
