import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TenantId } from "../../shared/cache/keys.ts";
import { RESYNC_FLAG_KEY } from "../../shared/l2/migration/migration-keys.ts";
import { entryRedisKey } from "../../shared/redis/key-layout.ts";
import { createTenant, getText, type MigrationWorld, put, startMigrationWorld } from "./migration-world.ts";

const entryKey = (tenant: string, key: string) => entryRedisKey({ tenant: tenant as TenantId, key });
const healthy = { refuse: false, hang: false, errorRate: 0, latencyMs: 0 };

/**
 * Either database down or hanging, in each phase: the service degrades as the README says, never
 * loses a write it acknowledged (201) and never serves a value older than one it acknowledged.
 */
describe("faults while moving between two L2 databases", () => {
  let world: MigrationWorld;
  let token: string;

  beforeAll(async () => {
    world = await startMigrationWorld({ CIRCUIT_FAILURE_THRESHOLD: "2", CIRCUIT_COOLDOWN_MS: "600000" });
    token = (await createTenant(world, "acme")).token;
  }, 60_000);
  afterEach(async () => {
    await world.gateways.current.setFaults(healthy);
    await world.gateways.next.setFaults(healthy);
  });
  afterAll(async () => {
    await world?.dispose();
  });

  describe("dual-write", () => {
    it("next down: writes are acknowledged by current, counted as missed, and the backfill passes again to repair next", async () => {
      await world.deploy("dual-write");
      await world.backfillUntilDone();
      await world.gateways.next.setFaults({ refuse: true });
      expect((await put(world, token, "while-next-down", "v1", "ttl=3600")).status).toBe(201);
      expect((await world.migrationStatus()).isolate?.secondaryMisses).toBeGreaterThanOrEqual(1);
      expect(await world.redis.current.exists(RESYNC_FLAG_KEY)).toBe(1);
      await world.gateways.next.setFaults(healthy);
      expect(await world.redis.next.exists(entryKey("acme", "while-next-down"))).toBe(0);
      const backfill = await world.backfillUntilDone();
      expect(backfill.passes).toBeGreaterThanOrEqual(2);
      expect(await world.redis.next.exists(entryKey("acme", "while-next-down"))).toBe(1);
      await world.deploy("read-new");
      expect(await getText(world, token, "while-next-down")).toEqual({ status: 200, body: "v1" });
    });

    it("next hanging: writes stop waiting on it once its own breaker opens, and reads are unaffected", async () => {
      await world.deploy("dual-write");
      await world.gateways.next.setFaults({ hang: true });
      await world.gateways.next.resetCounters();
      for (let i = 0; i < 4; i++) expect((await put(world, token, `hang-${i}`, "v")).status).toBe(201);
      // Two timed-out writes open next's breaker (threshold 2): the other two never reach it.
      expect((await world.gateways.next.counters()).requests.total).toBe(2);
      expect(await getText(world, token, "hang-3")).toEqual({ status: 200, body: "v" });
      expect((await world.migrationStatus()).isolate?.secondaryMisses).toBe(4);
    });

    it("current down: a write is never acknowledged as stored, and next never gets what current did not take", async () => {
      await world.deploy("dual-write");
      // Tokens are verified against current in this phase: one read first, so the token is cached.
      expect((await getText(world, token, "while-current-down")).status).toBe(404);
      await world.gateways.current.setFaults({ refuse: true });
      const response = await put(world, token, "while-current-down", "v");
      expect(response.status).toBe(202);
      expect(await world.redis.next.exists(entryKey("acme", "while-current-down"))).toBe(0);
    });
  });

  describe("read-new", () => {
    it("next down: a key only current holds is not served from current (503), and writes are not acknowledged as stored", async () => {
      await world.deploy("off");
      expect((await put(world, token, "only-current", "old")).status).toBe(201);
      await world.deploy("read-new");
      // Tokens are verified against next in this phase: one read first, so the token is cached.
      expect((await getText(world, token, "never-written")).status).toBe(404);
      await world.gateways.next.setFaults({ refuse: true });
      expect((await getText(world, token, "only-current")).status).toBe(503);
      expect((await put(world, token, "while-next-down-rn", "v")).status).toBe(202);
      expect(await world.redis.current.exists(entryKey("acme", "while-next-down-rn"))).toBe(0);
    });

    it("current down: next serves what it holds, a key only current holds is a miss, and writes are acknowledged by next", async () => {
      await world.deploy("off");
      expect((await put(world, token, "only-current-2", "old")).status).toBe(201);
      await world.deploy("dual-write");
      expect((await put(world, token, "in-both", "both")).status).toBe(201);
      await world.deploy("read-new");
      await world.gateways.current.setFaults({ refuse: true });
      const inBoth = await getText(world, token, "in-both");
      expect(inBoth).toEqual({ status: 200, body: "both" });
      expect((await getText(world, token, "only-current-2")).status).toBe(404);
      expect((await put(world, token, "while-current-down-rn", "v")).status).toBe(201);
      expect(await world.redis.next.exists(entryKey("acme", "while-current-down-rn"))).toBe(1);
      expect((await world.migrationStatus()).isolate?.secondaryMisses).toBeGreaterThanOrEqual(1);
    });

    it("current hanging: a key only current holds is a miss once the wait is over, never an error", async () => {
      await world.deploy("off");
      expect((await put(world, token, "only-current-3", "old")).status).toBe(201);
      await world.deploy("read-new");
      await world.gateways.current.setFaults({ hang: true });
      expect((await getText(world, token, "only-current-3")).status).toBe(404);
    });

    it("never serves a value older than a delete or an overwrite current missed", async () => {
      await world.deploy("dual-write");
      expect((await put(world, token, "deleted-later", "old")).status).toBe(201);
      expect((await put(world, token, "overwritten-later", "old")).status).toBe(201);
      await world.deploy("read-new");
      await world.gateways.current.setFaults({ refuse: true });
      expect((await world.request(`/v1/cache/deleted-later`, { method: "DELETE", token })).status).toBe(204);
      expect((await put(world, token, "overwritten-later", "new")).status).toBe(201);
      await world.gateways.current.setFaults(healthy);
      // Fresh isolates: nothing in L1 to hide behind.
      await world.deploy("read-new");
      expect((await getText(world, token, "deleted-later")).status).toBe(404);
      expect(await getText(world, token, "overwritten-later")).toEqual({ status: 200, body: "new" });
    });
  });

  describe("new-only", () => {
    it("current down: nothing notices", async () => {
      await world.deploy("dual-write");
      expect((await put(world, token, "moved", "here")).status).toBe(201);
      await world.deploy("new-only");
      await world.gateways.current.setFaults({ refuse: true });
      expect(await getText(world, token, "moved")).toEqual({ status: 200, body: "here" });
      expect((await put(world, token, "after-move", "v")).status).toBe(201);
      expect((await world.request("/health")).status).toBe(200);
    });
  });
});
