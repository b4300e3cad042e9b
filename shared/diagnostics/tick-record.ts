import { StoreUnavailableError } from "../cache/store";
import { replyPairs } from "../redis/hash-reply";
import { CRON_TICKS_REDIS_KEY } from "../redis/key-layout";
import type { RedisCommand, RedisRunner } from "../redis/redis-client";
import { normalizeCron } from "./cron-expression";

/**
 * When each cron trigger last reached the scheduled handler, so a deployment can say which of its
 * declared triggers fire (a Worker cannot list its own triggers). One small hash, one field per
 * expression, each the time of the latest tick. It is written on every tick of every deployment,
 * so it is bounded: a few triggers are declared (Workers Free allows 5 per account), and an
 * expression no longer fired makes way for a new one once MAX_RECORDED_CRONS are kept.
 */

export const MAX_RECORDED_CRONS = 10;

/**
 * KEYS: the tick hash. ARGV: expression, tick time (epoch ms), most fields. A time never moves
 * back (a late delivery of an older tick); a new expression in a full hash evicts the
 * longest-silent ones first.
 */
const RECORD_TICK_LUA = `
local field, at, most = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local last = tonumber(redis.call('HGET', KEYS[1], field))
if last then
  if at > last then redis.call('HSET', KEYS[1], field, ARGV[2]) end
  return 1
end
if redis.call('HLEN', KEYS[1]) >= most then
  local all = redis.call('HGETALL', KEYS[1])
  local byAge = {}
  for i = 1, #all, 2 do byAge[#byAge + 1] = {all[i], tonumber(all[i + 1]) or 0} end
  table.sort(byAge, function(a, b)
    if a[2] ~= b[2] then return a[2] < b[2] end
    return a[1] < b[1]
  end)
  for i = 1, #byAge - most + 1 do redis.call('HDEL', KEYS[1], byAge[i][1]) end
end
redis.call('HSET', KEYS[1], field, ARGV[2])
return 1
`;

/**
 * The command that records one tick; undefined for an expression that is not five cron fields.
 * Sent as EVAL with its source: it rides in a request the tick makes anyway (piggyback-runner.ts),
 * where a NOSCRIPT answer could not be re-sent.
 */
export function recordTickCommand(cron: string, at: number): RedisCommand | undefined {
  const field = normalizeCron(cron);
  if (field === undefined) return undefined;
  return {
    op: "eval",
    script: RECORD_TICK_LUA,
    keys: [CRON_TICKS_REDIS_KEY],
    args: [field, String(Math.floor(at)), String(MAX_RECORDED_CRONS)],
  };
}

/** Cron expression → when it last ran (epoch ms). */
export type TickRecord = Record<string, number>;

export async function readTickRecord(runner: RedisRunner): Promise<TickRecord> {
  const [reply] = await runner.run([{ op: "hgetall", key: CRON_TICKS_REDIS_KEY }]);
  if (!reply?.ok) throw new StoreUnavailableError("cron tick record could not be read");
  const record: TickRecord = {};
  for (const [cron, value] of replyPairs(reply.value)) {
    const at = Number(value);
    if (Number.isFinite(at)) record[cron] = at;
  }
  return record;
}
