import { afterEach, describe, expect, it } from "vitest";
import type { TenantId } from "../../../shared/cache/keys";
import { WARM_DUE_REDIS_KEY, warmDueRedisKey } from "../../../shared/redis/key-layout";
import { claimDuePlans, releaseClaims } from "../../../shared/warm/due-index";
import { deletePlan, putPlan } from "../../../shared/warm/plan-store";
import { redisRunner, uniqueTenant } from "../../helpers/worker/test-env";
import { storedPlan } from "./warm-kit";

const runner = redisRunner();
// Far in the future, so no other test's cron tick, however far ahead it fires, takes these plans.
const T = 4_000_000_000_000;
const created: [TenantId, string][] = [];
afterEach(async () => {
  for (const [tenant, name] of created.splice(0)) await deletePlan(runner, tenant, name);
});

async function score(redisKey: string, member: string): Promise<number | undefined> {
  const [reply] = await runner.run([
    { op: "eval", script: "return redis.call('ZSCORE', KEYS[1], ARGV[1])", keys: [redisKey], args: [member] },
  ]);
  return reply?.ok && reply.value !== null ? Number(reply.value) : undefined;
}

async function plan(tenant: TenantId, name: string, dueAt: number, priority = 0): Promise<void> {
  created.push([tenant, name]);
  await putPlan(runner, tenant, storedPlan(name, { priority }), { maxPlans: 50, dueAt: T + dueAt });
}

const at = (ms: number) => T + ms;

describe("the warm due index", () => {
  it("scores a tenant by its earliest plan, and forgets it with its last plan", async () => {
    const tenant = uniqueTenant();
    await plan(tenant, "later", 5000);
    await plan(tenant, "sooner", 3000);
    expect(await score(WARM_DUE_REDIS_KEY, tenant)).toBe(at(3000));
    await deletePlan(runner, tenant, "sooner");
    expect(await score(WARM_DUE_REDIS_KEY, tenant)).toBe(at(5000));
    await deletePlan(runner, tenant, "later");
    expect(await score(WARM_DUE_REDIS_KEY, tenant)).toBeUndefined();
  });

  it("never postpones a plan already due when it is replaced", async () => {
    const tenant = uniqueTenant();
    await plan(tenant, "p", 1000);
    await plan(tenant, "p", 9000);
    expect(await score(warmDueRedisKey(tenant), "p")).toBe(at(1000));
  });

  it("claims each tenant's due plans by its own priority, round-robin across tenants, within the limits", async () => {
    const [a, b] = [uniqueTenant(), uniqueTenant()];
    await plan(a, "a1", 1000, 1);
    await plan(a, "a2", 1000, 9);
    await plan(a, "a3", 1000, 5);
    await plan(a, "a4", 900, 9);
    await plan(a, "later", 99_000, 100);
    await plan(b, "b1", 1000, 0);
    const claims = await claimDuePlans(runner, [a, b], { at: at(2000), claimUntil: at(302_000), maxClaims: 4, perTenant: 3 });
    expect(claims.map((claim) => `${claim.tenant === a ? "A" : "B"}:${claim.plan}`)).toEqual(["A:a4", "B:b1", "A:a2", "A:a3"]);
    expect(claims[0]).toMatchObject({ dueAt: at(900) });
    expect(await score(warmDueRedisKey(a), "a2")).toBe(at(302_000));
    // Unclaimed, a1 is what the tenant is due for next; b has nothing left before its claim ends.
    expect(await score(WARM_DUE_REDIS_KEY, a)).toBe(at(1000));
    expect(await score(WARM_DUE_REDIS_KEY, b)).toBe(at(302_000));
  });

  it("does not hand a claimed plan out again until its claim ends", async () => {
    const tenant = uniqueTenant();
    await plan(tenant, "p", 1000);
    const options = { claimUntil: at(301_000), maxClaims: 10, perTenant: 10 };
    expect(await claimDuePlans(runner, [tenant], { ...options, at: at(1000) })).toHaveLength(1);
    expect(await claimDuePlans(runner, [tenant], { ...options, at: at(1000) })).toHaveLength(0);
    expect(await claimDuePlans(runner, [tenant], { ...options, at: at(300_999) })).toHaveLength(0);
    expect(await claimDuePlans(runner, [tenant], { ...options, at: at(301_000), claimUntil: at(601_000) })).toHaveLength(1);
  });

  it("gives unrun claims back their due time, and leaves alone a claim a run has moved since", async () => {
    const tenant = uniqueTenant();
    await plan(tenant, "unrun", 1000);
    await plan(tenant, "ran", 2000);
    const claims = await claimDuePlans(runner, [tenant], { at: at(5000), claimUntil: at(305_000), maxClaims: 10, perTenant: 10 });
    await runner.run([
      {
        op: "eval",
        script: "return redis.call('ZADD', KEYS[1], ARGV[1], 'ran')",
        keys: [warmDueRedisKey(tenant)],
        args: [String(at(60_000))],
      },
    ]);
    await releaseClaims(runner, claims, at(305_000));
    expect(await score(warmDueRedisKey(tenant), "unrun")).toBe(at(1000));
    expect(await score(warmDueRedisKey(tenant), "ran")).toBe(at(60_000));
    expect(await score(WARM_DUE_REDIS_KEY, tenant)).toBe(at(1000));
  });

  it("corrects a tenant listed as due that has nothing due", async () => {
    const tenant = uniqueTenant();
    await plan(tenant, "p", 50_000);
    await runner.run([
      {
        op: "eval",
        script: "return redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])",
        keys: [WARM_DUE_REDIS_KEY],
        args: [tenant, String(at(10))],
      },
    ]);
    expect(await claimDuePlans(runner, [tenant], { at: at(1000), claimUntil: at(301_000), maxClaims: 10, perTenant: 10 })).toEqual([]);
    expect(await score(WARM_DUE_REDIS_KEY, tenant)).toBe(at(50_000));
  });
});
