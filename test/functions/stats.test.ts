import { describe, expect, it } from "vitest";
import type { TenantId } from "../../shared/cache/keys";
import { entryRedisKey } from "../../shared/redis/key-layout";
import { servicesFor } from "../../shared/services";
import { readTopKeys } from "../../shared/stats/stats-reader";
import { cachePath, gatewayScope, redisRunner, testApp } from "../helpers/worker/test-env";

const put = (body: string) => ({ method: "PUT", body, headers: { "Content-Type": "text/plain" } });

describe("GET /v1/stats", () => {
  it("counts this isolate's hits, misses, sets, deletes and bytes for the caller only", async () => {
    const app = await testApp({ vars: { STATS_FLUSH_INTERVAL_MS: "3600000" } });
    const [alice, bob] = app.tenants;
    await app.as(alice!, cachePath("k"), put("12345"));
    await app.as(alice!, cachePath("k"));
    await app.as(alice!, cachePath("k"));
    await app.as(alice!, cachePath("missing"));
    await app.as(alice!, cachePath("k"), { method: "DELETE" });
    await app.as(bob!, cachePath("b"), put("bob"));
    const body = (await (await app.as(alice!, "/v1/stats")).json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      tenant: alice!.tenant,
      complete: true,
      counters: { sets: 1, l1Hits: 2, l2Hits: 0, misses: 1, deletes: 1, bytesIn: 5, bytesOut: 10, memoryOnlyWrites: 0 },
      hitRatio: 2 / 3,
    });
    expect(body.l1).toMatchObject({ entries: expect.any(Number), bytes: expect.any(Number), isolateBudgetBytes: 33554432 });
  });

  it("adds up counters flushed by other isolates", async () => {
    const writer = await testApp({ vars: { STATS_FLUSH_INTERVAL_MS: "1" } });
    const [alice] = writer.tenants;
    await writer.as(alice!, cachePath("k"), put("v"));
    await writer.as(alice!, cachePath("k"));
    // The flush is due now and runs in waitUntil after this request.
    await writer.as(alice!, cachePath("k"));
    const reader = writer.otherIsolate();
    const body = (await (await reader.as(alice!, "/v1/stats")).json()) as Record<string, unknown>;
    expect(body.counters).toMatchObject({ sets: 1, l1Hits: 2 });
  });

  it("adds no Redis request to a request; flushes at most once per interval", async () => {
    const { control, token } = await gatewayScope();
    const app = await testApp({ vars: { UPSTASH_REDIS_REST_TOKEN: token, STATS_FLUSH_INTERVAL_MS: "3600000" } });
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("hot"), put("v"));
    await control.resetCounters();
    for (let i = 0; i < 50; i++) await app.as(alice!, cachePath("hot"));
    expect((await control.counters()).requests.total).toBe(0);
  });
});

/** Bytes the entry under `key` takes by the storage accounting's measure: its Redis key and its value. */
async function sizeInRedis(tenant: TenantId, key: string): Promise<number> {
  const redisKey = entryRedisKey({ tenant, key });
  const [reply] = await redisRunner().run([{ op: "eval", script: "return redis.call('STRLEN', KEYS[1])", keys: [redisKey], args: [] }]);
  return new TextEncoder().encode(redisKey).byteLength + Number(reply?.ok ? reply.value : Number.NaN);
}

describe("GET /v1/stats: storage", () => {
  it("reports the bytes the tenant's entries hold in Redis, key and value, against its budget", async () => {
    const app = await testApp({ tenants: 2, tenant: { record: { limits: { storageBytes: 100_000 } } } });
    const [alice, bob] = app.tenants;
    await app.as(alice!, cachePath("a"), put("x".repeat(300)));
    await app.as(alice!, cachePath("b/ü"), put("y"));
    await app.as(bob!, cachePath("a"), put("bob's"));
    const body = (await (await app.as(alice!, "/v1/stats")).json()) as Record<string, unknown>;
    const expected = (await sizeInRedis(alice!.tenant, "a")) + (await sizeInRedis(alice!.tenant, "b/ü"));
    expect(body.storage).toEqual({ usedBytes: expected, budgetBytes: 100_000 });
  });

  it("reports the deployment's budget for a tenant without its own", async () => {
    const app = await testApp({ tenants: 1, vars: { TENANT_STORAGE_BYTES: "5000000" } });
    const body = (await (await app.as(app.tenants[0]!, "/v1/stats")).json()) as Record<string, unknown>;
    expect(body.storage).toEqual({ usedBytes: 0, budgetBytes: 5_000_000 });
  });

  it("says null for the use when Redis cannot be read, and null for both in memory-only mode", async () => {
    const { control, token } = await gatewayScope();
    const app = await testApp({ tenants: 1, vars: { UPSTASH_REDIS_REST_TOKEN: token } });
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("k"), put("v"));
    await control.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      const body = (await (await app.as(alice!, "/v1/stats")).json()) as Record<string, unknown>;
      expect(body).toMatchObject({ complete: false, storage: { usedBytes: null, budgetBytes: 256 * 1024 * 1024 } });
    } finally {
      await control.clearFaults();
    }
    const memory = await testApp({ tenants: 1, memoryOnly: true });
    const body = (await (await memory.as(memory.tenants[0]!, "/v1/stats")).json()) as Record<string, unknown>;
    expect(body.storage).toEqual({ usedBytes: null, budgetBytes: null });
  });
});

describe("top keys", () => {
  it("counts reads per key across isolates, most read first, without a request of its own", async () => {
    const { control, token } = await gatewayScope();
    const app = await testApp({ tenants: 1, vars: { UPSTASH_REDIS_REST_TOKEN: token, STATS_FLUSH_INTERVAL_MS: "3600000" } });
    const alice = app.tenants[0]!;
    for (const key of ["a", "b", "c"]) await app.as(alice, cachePath(key), put(key));
    await control.resetCounters();
    for (let i = 0; i < 5; i++) await app.as(alice, cachePath("b"));
    for (let i = 0; i < 2; i++) await app.as(alice, cachePath("a"));
    expect((await control.counters()).requests.total).toBe(0);
    const services = servicesFor(app.env);
    if (!services.ok || !services.services.redis) throw new Error("no services");
    await services.services.stats.flush(services.services.redis);
    expect(await readTopKeys(redisRunner(token), alice.tenant, 10)).toEqual([
      { key: "b", reads: 5 },
      { key: "a", reads: 2 },
    ]);
  });
});
