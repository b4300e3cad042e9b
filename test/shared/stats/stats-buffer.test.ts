import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TenantId } from "../../../shared/cache/keys";
import { statsRedisKey } from "../../../shared/redis/key-layout";
import { createUpstashRunner, type RedisCommand, type RedisRunner } from "../../../shared/redis/redis-client";
import { StatsBuffer, type StatsBufferOptions } from "../../../shared/stats/stats-buffer";
import { readFlushedCounters, readTopKeys } from "../../../shared/stats/stats-reader";
import { gatewayScope, redisRunner, uniqueTenant } from "../../helpers/worker/test-env";

function bufferWith(options: StatsBufferOptions & { clock?: { now: number } } = {}) {
  const dropped: number[] = [];
  const { clock, ...rest } = options;
  const buffer = new StatsBuffer({
    flushIntervalMs: 3_600_000,
    onDropped: (updates) => dropped.push(updates),
    ...(clock ? { now: () => clock.now } : {}),
    ...rest,
  });
  return { buffer, dropped };
}

/** Flushes once for a throwaway tenant, so Redis knows the flush script before requests are counted. */
async function loadFlushScript(runner: RedisRunner): Promise<void> {
  const { buffer } = bufferWith({ flushIntervalMs: 0 });
  buffer.add(uniqueTenant(), "sets");
  await buffer.flush(runner);
}

describe("StatsBuffer bounds", () => {
  it("keeps the counts of at most maxTenants tenants, dropping and counting a new tenant's updates past it", () => {
    const { buffer, dropped } = bufferWith({ maxTenants: 3 });
    const tenants = Array.from({ length: 5 }, () => uniqueTenant());
    expect(buffer.isFlushDue()).toBe(false);
    for (const tenant of tenants) buffer.add(tenant, "sets", 2);
    buffer.add(tenants[0] as TenantId, "sets");
    expect(buffer.unflushed(tenants[0] as TenantId).sets).toBe(3);
    expect(buffer.unflushed(tenants[4] as TenantId).sets).toBe(0);
    expect(dropped).toEqual([1, 1]);
    // Full: the flush is due at once, whatever the interval.
    expect(buffer.isFlushDue()).toBe(true);
  });

  it("flushes a full buffer at once, then paces retries by the interval while Redis does not take them", async () => {
    const { token, control } = await gatewayScope();
    const clock = { now: Date.now() };
    const { buffer } = bufferWith({ maxTenants: 2, flushIntervalMs: 1000, clock });
    buffer.add(uniqueTenant(), "sets");
    buffer.add(uniqueTenant(), "sets");
    expect(buffer.isFlushDue()).toBe(true);
    await control.setFaults({ errorRate: 1 });
    await buffer.flush(redisRunner(token));
    buffer.add(uniqueTenant(), "sets");
    buffer.add(uniqueTenant(), "sets");
    expect(buffer.isFlushDue()).toBe(false);
    clock.now += 1000;
    expect(buffer.isFlushDue()).toBe(true);
  });

  it("tracks read keys within maxReadKeyBytes over all tenants", async () => {
    const { token } = await gatewayScope();
    const runner = redisRunner(token);
    // Each key of 4 characters is estimated at 2 × 4 + 64 bytes: room for 10 keys.
    const { buffer } = bufferWith({ maxReadKeyBytes: 720, flushIntervalMs: 0 });
    const [first, second] = [uniqueTenant(), uniqueTenant()];
    for (let i = 0; i < 6; i++) buffer.noteRead(first, `a-${i}0`.slice(0, 4));
    for (let i = 0; i < 20; i++) buffer.noteRead(second, `b${String(i).padStart(3, "0")}`);
    buffer.add(first, "l1Hits");
    await buffer.flush(runner);
    expect(await readTopKeys(runner, first, 100)).toHaveLength(6);
    expect(await readTopKeys(runner, second, 100)).toHaveLength(4);
  });

  it("splits a flush so that no request exceeds maxRequestBytes, and every tenant's counts land", async () => {
    const { token, control } = await gatewayScope();
    // The runner refuses anything larger, so a request over the limit would leave counts unconfirmed.
    const runner = createUpstashRunner({ url: env.UPSTASH_REDIS_REST_URL, token, timeoutMs: 2000, retries: 0, maxRequestBytes: 8000 });
    await loadFlushScript(runner);
    const { buffer } = bufferWith({ maxRequestBytes: 8000, flushIntervalMs: 0 });
    const tenants = Array.from({ length: 40 }, () => uniqueTenant());
    tenants.forEach((tenant, i) => {
      buffer.add(tenant, "sets", i + 1);
      buffer.noteRead(tenant, `key-${i}`);
    });
    await control.resetCounters();
    await buffer.flush(runner);
    expect((await control.counters()).requests.total).toBeGreaterThan(1);
    for (const [i, tenant] of tenants.entries()) {
      expect(buffer.unflushed(tenant).sets).toBe(0);
      expect((await readFlushedCounters(runner, tenant)).sets).toBe(i + 1);
    }
  });

  it("confirms the tenants Redis took, and retries only the one whose flush Redis refused", async () => {
    const { token, control } = await gatewayScope();
    const runner = redisRunner(token);
    const [good, broken] = [uniqueTenant(), uniqueTenant()];
    // A stats key of the wrong type: HINCRBY fails for that tenant alone.
    const wrongType: RedisCommand = {
      op: "eval",
      script: "return redis.call('SET', KEYS[1], 'x')",
      keys: [statsRedisKey(broken)],
      args: [],
    };
    await runner.run([wrongType]);
    const { buffer } = bufferWith({ flushIntervalMs: 0 });
    buffer.add(good, "sets", 3);
    buffer.add(broken, "sets", 4);
    await buffer.flush(runner);
    expect(buffer.unflushed(good).sets).toBe(0);
    expect((await readFlushedCounters(runner, good)).sets).toBe(3);
    expect(buffer.unflushed(broken).sets).toBe(4);

    await loadFlushScript(runner);
    await control.resetCounters();
    await buffer.flush(runner);
    expect((await control.counters()).commands.total).toBe(1);
  });
});

describe("StatsBuffer when a flush never settles (its request was cancelled)", () => {
  it("lets a new flush start once the lost one has been out for flushTimeoutMs, and not before", async () => {
    const { token, control } = await gatewayScope();
    const real = redisRunner(token);
    await loadFlushScript(real);
    let calls = 0;
    const runner: RedisRunner = {
      run(commands) {
        calls += 1;
        return calls === 1 ? new Promise(() => {}) : real.run(commands);
      },
    };
    const clock = { now: Date.now() };
    const tenant = uniqueTenant();
    const { buffer } = bufferWith({ flushIntervalMs: 0, flushTimeoutMs: 2000, clock });
    buffer.add(tenant, "sets", 5);
    void buffer.flush(runner);
    await control.resetCounters();

    clock.now += 1999;
    expect(buffer.isFlushDue()).toBe(false);
    void buffer.flush(runner);
    expect(calls).toBe(1);

    clock.now += 1;
    expect(buffer.isFlushDue()).toBe(true);
    await buffer.flush(runner);
    expect((await control.counters()).requests.total).toBe(1);
    expect(buffer.unflushed(tenant).sets).toBe(0);
    expect((await readFlushedCounters(real, tenant)).sets).toBe(5);
  });

  it("gives up a flush Redis has not taken for four minutes, and counts the updates it drops", async () => {
    const { token, control } = await gatewayScope();
    const runner = redisRunner(token);
    const clock = { now: Date.now() };
    const tenant = uniqueTenant();
    const { buffer, dropped } = bufferWith({ flushIntervalMs: 0, clock });
    buffer.add(tenant, "sets", 5);
    buffer.add(tenant, "deletes");
    await control.setFaults({ errorRate: 1 });
    await buffer.flush(runner);
    await control.clearFaults();
    expect(buffer.unflushed(tenant).sets).toBe(5);
    clock.now += 240_001;
    await buffer.flush(runner);
    expect(dropped).toEqual([2]);
    expect(buffer.unflushed(tenant).sets).toBe(0);
  });
});
