import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { entryRedisKey, TENANT_PURGES_REDIS_KEY, TENANTS_REDIS_KEY } from "../../shared/redis/key-layout";
import type { RedisRunner } from "../../shared/redis/redis-client";
import { cachePath, redisRunner, type TestTenant, testApp } from "../helpers/worker/test-env";
import { nextRunner } from "../shared/l2/migration-kit";
import { deleteUntilDone, keysOf, putEntries, QUICK_DELETE_VARS, redisCall } from "./tenant-delete-kit";

const moving = (phase: "dual-write" | "read-new") => ({
  ...QUICK_DELETE_VARS,
  UPSTASH_REDIS_REST_URL_NEXT: env.NEXT_GATEWAY_URL,
  UPSTASH_REDIS_REST_TOKEN_NEXT: env.NEXT_GATEWAY_TOKEN,
  L2_MIGRATION_PHASE: phase,
});

/** The tenant's record and its purge's, as one database holds them. */
async function recordsIn(runner: RedisRunner, tenant: string): Promise<unknown[]> {
  const replies = await runner.run([
    { op: "hget", key: TENANTS_REDIS_KEY, field: tenant },
    { op: "hget", key: TENANT_PURGES_REDIS_KEY, field: tenant },
  ]);
  return replies.map((reply) => (reply.ok ? reply.value : "unreadable"));
}

describe.each(["dual-write", "read-new"] as const)("deleting a tenant during an L2 move (%s)", (phase) => {
  it("deletes it from both databases, and sweeps its keys from each, those only one of them holds included", async () => {
    const app = await testApp({ tenants: 2, vars: moving(phase) });
    const [alice, bob] = app.tenants as [TestTenant, TestTenant];
    await putEntries(app, alice, 30);
    await putEntries(app, bob, 10);
    const databases = { current: redisRunner(), next: nextRunner() };
    // Writes one database took and the other missed (a mirrored write that failed).
    await redisCall(databases.current, "SET", entryRedisKey({ tenant: alice.tenant, key: "only-current" }), "x");
    await redisCall(databases.next, "SET", entryRedisKey({ tenant: alice.tenant, key: "only-next" }), "x");
    for (const runner of Object.values(databases)) {
      expect((await keysOf(runner, alice.tenant)).length).toBeGreaterThan(30);
      expect(await recordsIn(runner, alice.tenant)).toEqual([expect.any(String), null]);
    }
    const bobs = { current: await keysOf(databases.current, bob.tenant), next: await keysOf(databases.next, bob.tenant) };

    const pages = await deleteUntilDone(app, alice.tenant, "count=10");
    expect(pages.at(-1)?.done).toBe(true);

    for (const [name, runner] of Object.entries(databases)) {
      expect(await keysOf(runner, alice.tenant), name).toEqual([]);
      expect(await recordsIn(runner, alice.tenant), name).toEqual([null, null]);
      expect(await keysOf(runner, bob.tenant), name).toEqual(expect.arrayContaining(bobs[name as keyof typeof bobs]));
    }
    expect((await app.otherIsolate().as(alice, cachePath("k1"))).status).toBe(401);
    expect(await (await app.otherIsolate().as(bob, cachePath("k1"))).text()).toBe("v1");
  });
});
