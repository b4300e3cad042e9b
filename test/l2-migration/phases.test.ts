import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TenantId } from "../../shared/cache/keys.ts";
import { entryRedisKey, TENANTS_REDIS_KEY, tenantTokensRedisKey } from "../../shared/redis/key-layout.ts";
import { createTenant, getText, issueToken, type MigrationWorld, put, startMigrationWorld } from "./migration-world.ts";

const entryKey = (tenant: string, key: string) => entryRedisKey({ tenant: tenant as TenantId, key });

/**
 * A deployment moved live from one database to another, phase by phase, and rolled back: what
 * was acknowledged in any phase is served in every later one, clears and invalidations hold, and
 * tenants and tokens work (or are refused) the same in both databases.
 */
describe("moving a live deployment to another L2 database", () => {
  let world: MigrationWorld;
  let tenant: { token: string; id: string };
  let revoked: { token: string; id: string };

  beforeAll(async () => {
    world = await startMigrationWorld();
  }, 60_000);
  afterAll(async () => {
    await world?.dispose();
  });

  it("off: everything lives in the current database only", async () => {
    tenant = { ...(await createTenant(world, "shop")), id: "shop" };
    revoked = await issueToken(world, "shop");
    expect((await put(world, tenant.token, "before/plain", "p0", "ttl=3600")).status).toBe(201);
    expect((await put(world, tenant.token, "before/tagged", "t0", "ttl=3600&tags=prices")).status).toBe(201);
    expect((await put(world, tenant.token, "before/cleared-later", "c0", "ttl=3600")).status).toBe(201);
    expect(await world.redis.current.exists(entryKey("shop", "before/plain"))).toBe(1);
    expect(await world.redis.next.dbsize()).toBe(0);
    expect((await world.migrationStatus()).phase).toBe("off");
  });

  it("dual-write: writes reach both databases and the backfill copies the rest, control plane included", async () => {
    await world.deploy("dual-write");
    expect((await put(world, tenant.token, "dual/new", "d1", "ttl=3600")).status).toBe(201);
    expect(await world.redis.next.exists(entryKey("shop", "dual/new"))).toBe(1);
    expect(await world.redis.next.exists(entryKey("shop", "before/plain"))).toBe(0);

    // Created and revoked while both are written: the same in both.
    const created = await createTenant(world, "late-arrival");
    expect((await world.request(`/admin/tenants/shop/tokens/${revoked.id}`, { method: "DELETE", token: world.adminToken })).status).toBe(
      204,
    );
    expect((await getText(world, revoked.token, "before/plain")).status).toBe(401);
    expect(await world.redis.next.hexists(TENANTS_REDIS_KEY, "late-arrival")).toBe(1);

    // An invalidation issued during the move holds in both.
    expect(
      (
        await world.request("/v1/invalidate", {
          method: "POST",
          token: tenant.token,
          body: JSON.stringify({ tags: ["prices"] }),
          headers: { "Content-Type": "application/json" },
        })
      ).status,
    ).toBe(200);

    const backfill = await world.backfillUntilDone();
    expect(backfill).toMatchObject({ done: true, failed: 0 });
    expect(backfill.copied).toBeGreaterThanOrEqual(2);
    expect(backfill.controlKeys).toBeGreaterThan(0);
    const ttl = await world.redis.next.pttl(entryKey("shop", "before/plain"));
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000 + 86_400_000);
    expect(await world.redis.next.hexists(TENANTS_REDIS_KEY, "shop")).toBe(1);
    expect(await world.redis.next.hlen(tenantTokensRedisKey("shop" as TenantId))).toBe(2);
    void created;
  });

  it("read-new: next answers first; what only current holds is found there and promoted", async () => {
    // A key only current holds (written straight into it, as if the backfill had not reached it).
    const raw = await world.redis.current.get(entryKey("shop", "before/plain"));
    await world.redis.current.set(entryKey("shop", "straggler"), raw as string, "PX", 600_000);
    await world.deploy("read-new");
    expect(await getText(world, tenant.token, "before/plain")).toEqual({ status: 200, body: "p0" });
    expect(await getText(world, tenant.token, "dual/new")).toEqual({ status: 200, body: "d1" });
    expect(await getText(world, tenant.token, "straggler")).toEqual({ status: 200, body: "p0" });
    expect(await world.redis.next.exists(entryKey("shop", "straggler"))).toBe(1);
    expect((await world.migrationStatus()).isolate).toMatchObject({ promotions: 1 });
    // The invalidation from dual-write still holds, in either database.
    expect((await getText(world, tenant.token, "before/tagged")).status).toBe(404);
    // A clear in read-new holds too.
    expect((await world.request("/v1/cache", { method: "DELETE", token: tenant.token })).status).toBe(204);
    expect((await getText(world, tenant.token, "before/cleared-later")).status).toBe(404);
    expect((await put(world, tenant.token, "read-new/write", "r1", "ttl=3600")).status).toBe(201);
    expect(await world.redis.current.exists(entryKey("shop", "read-new/write"))).toBe(1);
  });

  it("shows the phase, the backfill's progress and this isolate's promotions in /health and /metrics", async () => {
    const health = (await (await world.request("/health")).json()) as { migration: { phase: string; backfill: { done: boolean } } };
    expect(health.migration).toMatchObject({ phase: "read-new", backfill: { done: true } });
    const metrics = await (await world.admin("/metrics")).text();
    expect(metrics).toContain('edge_cache_l2_migration_phase{phase="read-new"} 1');
    expect(metrics).toContain('edge_cache_l2_migration_phase{phase="dual-write"} 0');
    expect(metrics).toMatch(/edge_cache_l2_backfill_keys\{outcome="copied"\} [1-9]/);
    expect(metrics).toContain("edge_cache_l2_backfill_done 1");
    expect(metrics).toContain('edge_cache_l2_migration_isolate_events{event="promotion"} 1');
  });

  it("new-only: the current database is no longer called; tenants and tokens work from next alone", async () => {
    await world.deploy("new-only");
    await world.gateways.current.resetCounters();
    expect(await getText(world, tenant.token, "read-new/write")).toEqual({ status: 200, body: "r1" });
    expect((await getText(world, revoked.token, "read-new/write")).status).toBe(401);
    expect((await put(world, tenant.token, "new-only/write", "n1")).status).toBe(201);
    const late = await issueToken(world, "late-arrival");
    expect((await put(world, late.token, "k", "v")).status).toBe(201);
    expect((await world.gateways.current.counters()).requests.total).toBe(0);
    expect((await world.migrationStatus()).phase).toBe("new-only");
  });

  it("rolls back new-only → read-new → dual-write with nothing acknowledged lost", async () => {
    // new-only wrote only to next: rolling back to read-new still serves it (next answers first).
    await world.deploy("read-new");
    expect(await getText(world, tenant.token, "new-only/write")).toEqual({ status: 200, body: "n1" });
    // Back to dual-write, current answers reads: what read-new wrote was mirrored there.
    await world.deploy("dual-write");
    expect(await getText(world, tenant.token, "read-new/write")).toEqual({ status: 200, body: "r1" });
    expect((await getText(world, tenant.token, "before/tagged")).status).toBe(404);
    expect((await getText(world, revoked.token, "read-new/write")).status).toBe(401);
  });
});
