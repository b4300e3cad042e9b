import { isTenantId, type TenantId } from "../cache/keys";
import { StoreUnavailableError } from "../cache/store";
import { REFRESH_DUE_REDIS_KEY, WARM_DUE_REDIS_KEY, warmDueRedisKey, warmPlanMetaRedisKey } from "../redis/key-layout";
import type { LuaScript } from "../redis/lua-script";
import type { RedisRunner } from "../redis/redis-client";
import { runCalls } from "../redis/script-runner";
import { DUE_LUA } from "./due-lua";

/**
 * What a cron tick reads and claims. A tick never lists tenants or plans: it reads the head of
 * two sorted sets (tenants whose earliest plan is due, tenants whose hot keys are due a look),
 * then claims due plans of those tenants in one script that moves each claimed plan's due time
 * forward by a claim lease. Two ticks (three triggers fire at :00, and a trigger may be
 * delivered twice) therefore never hand out the same plan twice, and a dispatch that is lost
 * (a queue message dropped, an invocation killed) is handed out again once its claim expires.
 */

/** KEYS: warm due, refresh due. ARGV: at, warm tenants, refresh tenants. Oldest first, each up to `at`. */
export const readDueHeadsScript: LuaScript = {
  name: "warm-due-heads",
  readOnly: true,
  source: `
return {
  redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2])),
  redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
}
`,
};

/**
 * KEYS: warm due, then per tenant its due set and plan meta. ARGV: at, claimed until, most
 * claims, most per tenant, due plans looked at per tenant, then the tenants.
 * Each tenant's due plans are ordered by its own priority (then the oldest first); claims are
 * taken round-robin across tenants in the order given (oldest due first), so one tenant's
 * high-priority plans cannot take a tick from the others. Returns flat (tenant, plan, due) triples.
 */
export const claimDueScript: LuaScript = {
  name: "warm-claim-due",
  source: `${DUE_LUA}
local at, maxTotal, perTenant, scan = tonumber(ARGV[1]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local lists = {}
for t = 1, #ARGV - 5 do
  local due = redis.call('ZRANGEBYSCORE', KEYS[2 * t], '-inf', at, 'WITHSCORES', 'LIMIT', 0, scan)
  local candidates = {}
  for j = 1, #due, 2 do
    local priority = 0
    local meta = redis.call('HGET', KEYS[2 * t + 1], due[j])
    if meta then
      local ok, decoded = pcall(cjson.decode, meta)
      if ok and type(decoded) == 'table' and type(decoded.p) == 'number' then priority = decoded.p end
    end
    candidates[#candidates + 1] = {due[j], due[j + 1], priority}
  end
  table.sort(candidates, function(a, b)
    if a[3] ~= b[3] then return a[3] > b[3] end
    if tonumber(a[2]) ~= tonumber(b[2]) then return tonumber(a[2]) < tonumber(b[2]) end
    return a[1] < b[1]
  end)
  lists[t] = candidates
end
local out, taken = {}, 0
for round = 1, perTenant do
  local any = false
  for t = 1, #lists do
    local candidate = lists[t][round]
    if candidate and taken < maxTotal then
      any = true
      taken = taken + 1
      redis.call('ZADD', KEYS[2 * t], ARGV[2], candidate[1])
      out[#out + 1] = ARGV[5 + t]
      out[#out + 1] = candidate[1]
      out[#out + 1] = candidate[2]
    end
  end
  if not any then break end
end
for t = 1, #lists do tenantDue(KEYS[2 * t], KEYS[1], ARGV[5 + t]) end
return out
`,
};

/**
 * KEYS: warm due, then each tenant's due set. ARGV: claimed until, the number of tenants, the
 * tenants, then per claim: tenant index (1-based), plan, due before the claim. A claim still in
 * place goes back to its earlier due time; one a run has since moved is left as it is.
 */
export const releaseClaimsScript: LuaScript = {
  name: "warm-release-claims",
  source: `${DUE_LUA}
local tenants = tonumber(ARGV[2])
for i = 3 + tenants, #ARGV, 3 do
  local wd = KEYS[1 + tonumber(ARGV[i])]
  local score = redis.call('ZSCORE', wd, ARGV[i + 1])
  if score and tonumber(score) == tonumber(ARGV[1]) then redis.call('ZADD', wd, ARGV[i + 2], ARGV[i + 1]) end
end
for t = 1, tenants do tenantDue(KEYS[1 + t], KEYS[1], ARGV[2 + t]) end
return 0
`,
};

export interface DueHeads {
  /** Tenants with a plan due, oldest due first. */
  warm: TenantId[];
  /** Tenants whose hot keys are due a look, oldest first. */
  refresh: TenantId[];
}

/** Both heads in one request. */
export async function readDueHeads(runner: RedisRunner, at: number, limits: { warm: number; refresh: number }): Promise<DueHeads> {
  const [reply] = await runCalls(runner, [
    {
      script: readDueHeadsScript,
      keys: [WARM_DUE_REDIS_KEY, REFRESH_DUE_REDIS_KEY],
      args: [String(at), String(Math.max(0, limits.warm)), String(Math.max(0, limits.refresh))],
    },
  ]);
  if (!reply?.ok || !Array.isArray(reply.value)) throw new StoreUnavailableError("warm due index could not be read");
  const [warm, refresh] = reply.value as unknown[];
  return { warm: tenantsOf(warm), refresh: tenantsOf(refresh) };
}

export interface DueClaim {
  tenant: TenantId;
  plan: string;
  /** When the plan was due before it was claimed (epoch ms), to give it back unrun. */
  dueAt: number;
}

export interface ClaimOptions {
  at: number;
  /** Until when a claimed plan is not handed out again. */
  claimUntil: number;
  maxClaims: number;
  perTenant: number;
  /** Due plans of one tenant compared by priority. @default 100 */
  scanPerTenant?: number;
}

/** Claims due plans of the given tenants, fairly (claimDueScript); one request. */
export async function claimDuePlans(runner: RedisRunner, tenants: readonly TenantId[], options: ClaimOptions): Promise<DueClaim[]> {
  if (tenants.length === 0 || options.maxClaims <= 0) return [];
  const [reply] = await runCalls(runner, [
    {
      script: claimDueScript,
      keys: [WARM_DUE_REDIS_KEY, ...tenants.flatMap((tenant) => [warmDueRedisKey(tenant), warmPlanMetaRedisKey(tenant)])],
      args: [
        String(options.at),
        String(options.claimUntil),
        String(options.maxClaims),
        String(options.perTenant),
        String(Math.max(options.perTenant, options.scanPerTenant ?? 100)),
        ...tenants,
      ],
    },
  ]);
  if (!reply?.ok || !Array.isArray(reply.value)) throw new StoreUnavailableError("due warm plans could not be claimed");
  const flat = reply.value.map(String);
  const claims: DueClaim[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) {
    claims.push({ tenant: flat[i] as TenantId, plan: flat[i + 1] as string, dueAt: Number(flat[i + 2]) });
  }
  return claims;
}

/** Gives claims that were not run back to the due index, so the next tick takes them; one request. */
export async function releaseClaims(runner: RedisRunner, claims: readonly DueClaim[], claimUntil: number): Promise<void> {
  if (claims.length === 0) return;
  const tenants = [...new Set(claims.map((claim) => claim.tenant))];
  const [reply] = await runCalls(runner, [
    {
      script: releaseClaimsScript,
      keys: [WARM_DUE_REDIS_KEY, ...tenants.map(warmDueRedisKey)],
      args: [
        String(claimUntil),
        String(tenants.length),
        ...tenants,
        ...claims.flatMap((claim) => [String(tenants.indexOf(claim.tenant) + 1), claim.plan, String(claim.dueAt)]),
      ],
    },
  ]);
  if (!reply?.ok) throw new StoreUnavailableError("warm claims could not be released");
}

function tenantsOf(value: unknown): TenantId[] {
  return Array.isArray(value) ? value.map(String).filter(isTenantId) : [];
}
