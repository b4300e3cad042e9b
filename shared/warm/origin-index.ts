import type { EntryKey } from "../cache/keys";
import { StoreUnavailableError } from "../cache/store";
import { warmOriginIndexRedisKey, warmPlanMetaRedisKey } from "../redis/key-layout";
import type { LuaScript } from "../redis/lua-script";
import type { RedisRunner } from "../redis/redis-client";
import { runCalls } from "../redis/script-runner";
import type { WarmPlan, WarmTarget } from "./plan-schema";
import { parseJson } from "./plan-store";
import type { TtlRule } from "./ttl-rules";

/**
 * KEYS: origin index, plan meta (origin-index-lua.ts). ARGV: cache key.
 * Returns {0} when the tenant has no plans, {1} when no plan names the key, else {1, refs, then
 * per ref its plan's meta and its target's meta}: one key's origins, never whole plans.
 */
export const lookupOriginScript: LuaScript = {
  name: "warm-lookup-origin",
  readOnly: true,
  source: `
if redis.call('EXISTS', KEYS[1]) == 0 then return {0} end
local refs = redis.call('HGET', KEYS[1], ARGV[1])
if not refs then return {1} end
local out = {1, refs}
for _, ref in ipairs(cjson.decode(refs)) do
  local meta = redis.call('HMGET', KEYS[2], ref[1], ref[1] .. '/' .. ref[2])
  out[#out + 1] = meta[1] or ''
  out[#out + 1] = meta[2] or ''
end
return out
`,
};

/** What read-through needs to fill one key: its target, and its plan's lifetimes. */
export interface KeyOrigin {
  url: string;
  headers: Record<string, string>;
  tags: string[];
  target: Pick<WarmTarget, "ttl" | "swr">;
  plan: Pick<WarmPlan, "ttl" | "swr" | "ttlRules">;
}

/** `no_plans`: the tenant has none, so no key of it has an origin. */
export type OriginLookup = { kind: "no_plans" } | { kind: "none" } | { kind: "origin"; origin: KeyOrigin };

/** The key's origin in one request; the highest-priority plan naming it wins (ties: the last plan name). */
export async function lookupOrigin(runner: RedisRunner, key: EntryKey): Promise<OriginLookup> {
  const [lookup] = await lookupOrigins(runner, [key]);
  return lookup as OriginLookup;
}

/** Several keys' origins (any tenants) in one request, in order. */
export async function lookupOrigins(runner: RedisRunner, keys: readonly EntryKey[]): Promise<OriginLookup[]> {
  const replies = await runCalls(
    runner,
    keys.map((key) => ({
      script: lookupOriginScript,
      keys: [warmOriginIndexRedisKey(key.tenant), warmPlanMetaRedisKey(key.tenant)],
      args: [key.key],
    })),
  );
  return keys.map((key, i) => {
    const reply = replies[i];
    if (!reply?.ok || !Array.isArray(reply.value)) throw new StoreUnavailableError("warm origin index could not be read");
    return originFromReply(key, reply.value);
  });
}

function originFromReply(key: EntryKey, reply: unknown[]): OriginLookup {
  const [exists, refsJson, ...metas] = reply;
  if (Number(exists) === 0) return { kind: "no_plans" };
  const refs = parseJson<unknown[]>(refsJson);
  if (!Array.isArray(refs)) return { kind: "none" };
  let best: { priority: number; name: string; origin: KeyOrigin } | undefined;
  for (const [i, ref] of refs.entries()) {
    const name = Array.isArray(ref) ? String(ref[0]) : "";
    const candidate = originOf(key.key, parseJson<PlanMeta>(metas[2 * i]), parseJson<TargetMeta>(metas[2 * i + 1]));
    if (candidate && (!best || candidate.priority > best.priority || (candidate.priority === best.priority && name > best.name))) {
      best = { ...candidate, name };
    }
  }
  return best ? { kind: "origin", origin: best.origin } : { kind: "none" };
}

interface PlanMeta {
  p?: unknown;
  t?: unknown;
  s?: unknown;
  r?: unknown;
}

interface TargetMeta {
  u?: unknown;
  x?: unknown;
  h?: unknown;
  g?: unknown;
  t?: unknown;
  s?: unknown;
}

function originOf(
  key: string,
  plan: PlanMeta | undefined,
  target: TargetMeta | undefined,
): { priority: number; origin: KeyOrigin } | undefined {
  if (!plan || !target) return undefined;
  // Only keys are templated; the URL is expanded here exactly as the warmer expands it.
  const url =
    typeof target.u === "string"
      ? target.u
      : typeof target.x === "string"
        ? target.x.replaceAll("{key}", encodeURIComponent(key))
        : undefined;
  if (!url || typeof plan.t !== "number") return undefined;
  return {
    priority: typeof plan.p === "number" ? plan.p : 0,
    origin: {
      url,
      headers: isRecord(target.h) ? (target.h as Record<string, string>) : {},
      // An empty list comes back from Lua as an object.
      tags: Array.isArray(target.g) ? target.g.map(String) : [],
      target: { ttl: numberOr(target.t), swr: numberOr(target.s) },
      plan: { ttl: plan.t, swr: numberOr(plan.s) ?? 0, ttlRules: Array.isArray(plan.r) ? (plan.r as TtlRule[]) : [] },
    },
  };
}

const isRecord = (value: unknown) => typeof value === "object" && value !== null && !Array.isArray(value);
const numberOr = (value: unknown) => (typeof value === "number" ? value : undefined);
