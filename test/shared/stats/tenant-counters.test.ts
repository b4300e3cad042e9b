import { describe, expect, it } from "vitest";
import type { TenantId } from "../../../shared/cache/keys";
import type { RedisRunner } from "../../../shared/redis/redis-client";
import { servicesFor } from "../../../shared/services";
import { StatsBuffer } from "../../../shared/stats/stats-buffer";
import { readFlushedCounters } from "../../../shared/stats/stats-reader";
import { readTenantCounters } from "../../../shared/stats/tenant-counters";
import { cachePath, gatewayScope, redisRunner, testApp, uniqueTenant } from "../../helpers/worker/test-env";

/**
 * Flushes once for a throwaway tenant, so Redis knows the flush script: a lost reply to the
 * NOSCRIPT of a first EVALSHA would leave nothing applied.
 */
async function loadFlushScript(runner: RedisRunner): Promise<void> {
  await bufferWith(uniqueTenant(), 1).flush(runner);
}

function bufferWith(tenant: TenantId, sets: number, now?: () => number): StatsBuffer {
  const buffer = new StatsBuffer({ flushIntervalMs: 0, ...(now ? { now } : {}) });
  buffer.add(tenant, "sets", sets);
  return buffer;
}

describe("a tenant's counters: Redis plus what this isolate has not flushed (finding 3 of bench/CHAOS.md)", () => {
  it("counts a flush once when Redis applied it but its answer was lost", async () => {
    const { token, control } = await gatewayScope();
    const runner = redisRunner(token);
    const tenant = uniqueTenant();
    const buffer = bufferWith(tenant, 15);
    await loadFlushScript(runner);
    await control.setFaults({ resetAfterApply: true });
    await buffer.flush(runner);
    await control.setFaults({ resetAfterApply: false });
    expect(buffer.unflushed(tenant).sets).toBe(15);
    expect((await readFlushedCounters(runner, tenant)).sets).toBe(15);
    expect(await readTenantCounters(runner, buffer, tenant)).toMatchObject({ complete: true, counters: { sets: 15 } });
    // The retry is a no-op in Redis and confirms the flush.
    await buffer.flush(runner);
    expect(buffer.unflushed(tenant).sets).toBe(0);
    expect((await readTenantCounters(runner, buffer, tenant)).counters.sets).toBe(15);
  });

  it("adds a failed flush that never reached Redis", async () => {
    const { token, control } = await gatewayScope();
    const runner = redisRunner(token);
    const tenant = uniqueTenant();
    const buffer = bufferWith(tenant, 4);
    await control.setFaults({ errorRate: 1 });
    await buffer.flush(runner);
    await control.setFaults({ errorRate: 0 });
    buffer.add(tenant, "sets", 1);
    expect(await readTenantCounters(runner, buffer, tenant)).toMatchObject({ complete: true, counters: { sets: 5 } });
  });

  it("counts a flush in flight during the read once, whichever reaches Redis first", async () => {
    const { token, control } = await gatewayScope();
    const runner = redisRunner(token);
    for (let round = 0; round < 5; round++) {
      const tenant = uniqueTenant();
      const buffer = bufferWith(tenant, 7);
      await control.setFaults({ latencyMs: 20, jitterMs: 40 });
      const flushing = buffer.flush(runner);
      const read = readTenantCounters(runner, buffer, tenant);
      buffer.add(tenant, "sets", 1);
      expect((await read).counters.sets).toBe(8);
      await flushing;
      await control.setFaults({ latencyMs: 0, jitterMs: 0 });
      expect((await readTenantCounters(runner, buffer, tenant)).counters.sets).toBe(8);
    }
  });

  it("holds this isolate's flushes back while a read runs, and no longer than 10 s for a read never closed", async () => {
    const { control, token } = await gatewayScope();
    const runner = redisRunner(token);
    const tenant = uniqueTenant();
    let now = Date.now();
    const buffer = bufferWith(tenant, 1, () => now);
    now += 1;
    const read = buffer.openRead();
    await control.resetCounters();
    expect(buffer.isFlushDue()).toBe(false);
    await buffer.flush(runner);
    expect((await control.counters()).requests.total).toBe(0);
    read.close();
    expect(buffer.isFlushDue()).toBe(true);

    buffer.openRead();
    expect(buffer.isFlushDue()).toBe(false);
    now += 10_000;
    expect(buffer.isFlushDue()).toBe(true);
    await buffer.flush(runner);
    expect(buffer.unflushed(tenant).sets).toBe(0);
  });

  it("keeps only this isolate's counts, marked incomplete, when Redis cannot be read", async () => {
    const { token, control } = await gatewayScope();
    const runner = redisRunner(token);
    const tenant = uniqueTenant();
    const buffer = bufferWith(tenant, 3);
    await control.setFaults({ errorRate: 1 });
    expect(await readTenantCounters(runner, buffer, tenant)).toMatchObject({ complete: false, counters: { sets: 3 } });
    expect(await readTenantCounters(undefined, buffer, tenant)).toMatchObject({ complete: true, counters: { sets: 3 } });
  });
});

describe("GET /v1/stats after a flush whose answer was lost", () => {
  it("reports each write once, not once from Redis and again from this isolate", async () => {
    const { token, control } = await gatewayScope();
    const app = await testApp({ tenants: 1, vars: { UPSTASH_REDIS_REST_TOKEN: token, STATS_FLUSH_INTERVAL_MS: "3600000" } });
    const alice = app.tenants[0] as NonNullable<(typeof app.tenants)[0]>;
    for (let i = 0; i < 15; i++) {
      const put = await app.as(alice, cachePath(`k${i}`), { method: "PUT", body: "v", headers: { "Content-Type": "text/plain" } });
      expect(put.status).toBe(201);
    }
    const services = servicesFor(app.env);
    if (!services.ok || !services.services.redis) throw new Error("no services");
    await loadFlushScript(redisRunner(token));
    await control.setFaults({ resetAfterApply: true });
    await services.services.stats.flush(services.services.redis);
    await control.setFaults({ resetAfterApply: false });
    expect((await readFlushedCounters(redisRunner(token), alice.tenant)).sets).toBe(15);
    const body = (await (await app.as(alice, "/v1/stats")).json()) as { complete: boolean; counters: { sets: number } };
    expect(body).toMatchObject({ complete: true, counters: { sets: 15 } });
  });
});
