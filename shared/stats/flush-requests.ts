import type { TenantId } from "../cache/keys";
import { deletedTenantRedisKey, statsFlushRedisKey, statsMinuteRedisKey, statsRedisKey, topKeysRedisKey } from "../redis/key-layout";
import type { RedisRunner } from "../redis/redis-client";
import { commandBytes, wireCommand } from "../redis/request-size";
import { runCalls, type ScriptCall } from "../redis/script-runner";
import { COUNTER_NAMES, emptyCounters } from "./counters";
import { flushStatsScript } from "./flush-stats-lua";
import type { PendingStats } from "./pending-stats";

// The flush marker lives this long in Redis; a flush retried later could count twice.
export const MARKER_TTL_SECONDS = 300;
// Per-minute counters feed the hit-ratio-over-time view: a day of them, plus margin.
const MINUTE_TTL_SECONDS = 25 * 3600;

export interface FlushContent {
  /** Recorded in Redis per tenant, so a retried flush is applied once. */
  id: string;
  stats: PendingStats;
  /** Counts land in the minute of the first attempt, so a retry cannot move them. */
  firstTriedAt: number;
}

interface TenantCall {
  tenant: TenantId;
  call: ScriptCall;
  bytes: number;
}

/**
 * Sends a flush, one script call per tenant, in as few requests as fit in `maxRequestBytes`
 * (usually one), side by side so the flush waits no longer than one request. Returns the
 * tenants Redis confirmed; the others' counts stay for the next attempt.
 */
export async function sendFlush(runner: RedisRunner, flush: FlushContent, maxRequestBytes: number): Promise<Set<TenantId>> {
  const requests = splitBySize(
    [...flush.stats.tenants].map((tenant) => tenantCall(flush, tenant)),
    maxRequestBytes,
  );
  const outcomes = await Promise.allSettled(
    requests.map((calls) =>
      runCalls(
        runner,
        calls.map(({ call }) => call),
      ),
    ),
  );
  const confirmed = new Set<TenantId>();
  outcomes.forEach((outcome, i) => {
    if (outcome.status === "rejected") return;
    (requests[i] as TenantCall[]).forEach(({ tenant }, j) => {
      if (outcome.value[j]?.ok) confirmed.add(tenant);
    });
  });
  return confirmed;
}

function tenantCall(flush: FlushContent, tenant: TenantId): TenantCall {
  const counters = flush.stats.counters.get(tenant) ?? emptyCounters();
  const counterArgs = COUNTER_NAMES.flatMap((name) => (counters[name] === 0 ? [] : [name, String(counters[name])]));
  const readArgs = [...(flush.stats.reads.get(tenant) ?? [])].flatMap(([key, count]) => [key, String(count)]);
  const call: ScriptCall = {
    script: flushStatsScript,
    keys: [
      statsRedisKey(tenant),
      statsFlushRedisKey(tenant, flush.id),
      statsMinuteRedisKey(tenant, Math.floor(flush.firstTriedAt / 60_000)),
      topKeysRedisKey(tenant),
      deletedTenantRedisKey(tenant),
    ],
    args: [String(MARKER_TTL_SECONDS), String(MINUTE_TTL_SECONDS), String(counterArgs.length), ...counterArgs, ...readArgs],
  };
  // Sized as its EVAL re-send (the script's source instead of its SHA), the larger of the two.
  const bytes = commandBytes(wireCommand({ op: "eval", script: call.script.source, keys: call.keys, args: call.args }));
  return { tenant, call, bytes };
}

/** Groups calls into pipelines whose JSON body (`[c1,c2,…]`) stays within `maxBytes`. */
function splitBySize<T extends { bytes: number }>(calls: readonly T[], maxBytes: number): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let size = 2;
  for (const call of calls) {
    const added = call.bytes + (current.length > 0 ? 1 : 0);
    if (current.length > 0 && size + added > maxBytes) {
      requests.push(current);
      current = [];
      size = 2;
    }
    size += call.bytes + (current.length > 0 ? 1 : 0);
    current.push(call);
  }
  if (current.length > 0) requests.push(current);
  return requests;
}
