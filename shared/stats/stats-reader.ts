import { statsRedisKey, type TenantId } from "../cache/keys";
import type { RedisRunner } from "../cache/redis-client";
import { StoreUnavailableError } from "../cache/store";
import { type Counters, emptyCounters, isCounterName } from "./counters";

/** The counters every isolate has flushed for a tenant. */
export async function readFlushedCounters(runner: RedisRunner, tenant: TenantId): Promise<Counters> {
  const [reply] = await runner.run([{ op: "hgetall", key: statsRedisKey(tenant) }]);
  if (!reply?.ok) throw new StoreUnavailableError("stats read failed");
  const counters = emptyCounters();
  if (reply.value === null || typeof reply.value !== "object") return counters;
  const fields = Array.isArray(reply.value) ? pairs(reply.value) : Object.entries(reply.value as Record<string, unknown>);
  for (const [name, value] of fields) {
    if (isCounterName(name)) counters[name] = Number(value) || 0;
  }
  return counters;
}

function pairs(flat: unknown[]): [string, unknown][] {
  const result: [string, unknown][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) result.push([String(flat[i]), flat[i + 1]]);
  return result;
}
