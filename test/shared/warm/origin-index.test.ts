import { afterEach, describe, expect, it } from "vitest";
import type { TenantId } from "../../../shared/cache/keys";
import { warmOriginIndexRedisKey, warmPlanMetaRedisKey } from "../../../shared/redis/key-layout";
import { lookupOrigin } from "../../../shared/warm/origin-index";
import { deletePlan, putPlan } from "../../../shared/warm/plan-store";
import { redisRunner, uniqueTenant } from "../../helpers/worker/test-env";
import { storedPlan } from "./warm-kit";

const runner = redisRunner();
const created: [TenantId, string][] = [];
afterEach(async () => {
  for (const [tenant, name] of created.splice(0)) await deletePlan(runner, tenant, name);
});

// Due far in the future: no other test's cron tick takes these plans.
function put(tenant: TenantId, plan: ReturnType<typeof storedPlan>, maxPlans = 50) {
  created.push([tenant, plan.name]);
  return putPlan(runner, tenant, plan, { maxPlans, dueAt: 4_000_000_000_000 });
}

const HOSTILE_KEYS = ["a:b", "*", "?[x]-^", "/p/q/", "%2F..%2F", "nul\u0000byte", "é🎉", "ec:other:e:k", "\\"];

async function hashLength(redisKey: string): Promise<number> {
  const [reply] = await runner.run([{ op: "eval", script: "return redis.call('HLEN', KEYS[1])", keys: [redisKey], args: [] }]);
  return Number(reply?.ok ? reply.value : -1);
}

describe("the read-through index kept by the plan scripts", () => {
  it("finds each key's origin, whatever its bytes, expanding templates as the warmer does", async () => {
    const tenant = uniqueTenant();
    await put(
      tenant,
      storedPlan("p", {
        ttl: 120,
        swr: 30,
        targets: [
          { key: "home", url: "https://api.example.com/", tags: ["home"], headers: { Accept: "text/html" }, ttl: 60 },
          { urlTemplate: "https://api.example.com/k/{key}", keys: HOSTILE_KEYS, tags: [], headers: {} },
        ],
      }),
    );
    expect(await lookupOrigin(runner, { tenant, key: "home" })).toEqual({
      kind: "origin",
      origin: {
        url: "https://api.example.com/",
        headers: { Accept: "text/html" },
        tags: ["home"],
        target: { ttl: 60, swr: undefined },
        plan: { ttl: 120, swr: 30, ttlRules: [] },
      },
    });
    for (const key of HOSTILE_KEYS) {
      const found = await lookupOrigin(runner, { tenant, key });
      expect(found.kind === "origin" && found.origin.url, key).toBe(`https://api.example.com/k/${encodeURIComponent(key)}`);
    }
    expect(await lookupOrigin(runner, { tenant, key: "a" })).toEqual({ kind: "none" });
    expect(await lookupOrigin(runner, { tenant: uniqueTenant(), key: "home" })).toEqual({ kind: "no_plans" });
  });

  it("keeps tenants apart: another tenant's key of the same bytes has no origin", async () => {
    const [a, b] = [uniqueTenant(), uniqueTenant()];
    await put(a, storedPlan("p", { targets: [{ key: "shared", url: "https://a.example.com/", tags: [], headers: {} }] }));
    await put(b, storedPlan("p", { targets: [{ key: "other", url: "https://b.example.com/", tags: [], headers: {} }] }));
    expect(await lookupOrigin(runner, { tenant: b, key: "shared" })).toEqual({ kind: "none" });
    await deletePlan(runner, a, "p");
    expect(await lookupOrigin(runner, { tenant: b, key: "other" })).toMatchObject({ kind: "origin" });
  });

  it("drops the keys a replaced plan no longer names, and everything of a deleted plan", async () => {
    const tenant = uniqueTenant();
    const keys = (...names: string[]) => [{ urlTemplate: "https://api.example.com/{key}", keys: names, tags: [], headers: {} }];
    await put(tenant, storedPlan("p", { targets: keys("a", "b", "c") }));
    await put(tenant, storedPlan("p", { targets: keys("b", "d") }));
    expect((await lookupOrigin(runner, { tenant, key: "a" })).kind).toBe("none");
    expect((await lookupOrigin(runner, { tenant, key: "d" })).kind).toBe("origin");
    expect(await hashLength(warmOriginIndexRedisKey(tenant))).toBe(2);
    expect(await hashLength(warmPlanMetaRedisKey(tenant))).toBe(2); // the plan and its one target
    await deletePlan(runner, tenant, "p");
    expect(await hashLength(warmOriginIndexRedisKey(tenant))).toBe(0);
    expect(await hashLength(warmPlanMetaRedisKey(tenant))).toBe(0);
    expect(await lookupOrigin(runner, { tenant, key: "b" })).toEqual({ kind: "no_plans" });
  });

  it("gives a key several plans name to the highest priority, and to the other once that plan is deleted", async () => {
    const tenant = uniqueTenant();
    const naming = (url: string) => [{ key: "k", url, tags: [], headers: {} }];
    await put(tenant, storedPlan("low", { priority: 1, targets: naming("https://api.example.com/low") }));
    await put(tenant, storedPlan("high", { priority: 9, targets: naming("https://api.example.com/high") }));
    const urlOf = async () => {
      const found = await lookupOrigin(runner, { tenant, key: "k" });
      return found.kind === "origin" ? found.origin.url : found.kind;
    };
    expect(await urlOf()).toBe("https://api.example.com/high");
    await deletePlan(runner, tenant, "high");
    expect(await urlOf()).toBe("https://api.example.com/low");
  });

  it("refuses a plan past the tenant's cap, and still replaces one it has", async () => {
    const tenant = uniqueTenant();
    const capped = (name: string) => put(tenant, storedPlan(name), 2);
    expect(await capped("a")).toBe("created");
    expect(await capped("b")).toBe("created");
    expect(await capped("c")).toBe("too_many");
    expect(await capped("a")).toBe("replaced");
  });
});
