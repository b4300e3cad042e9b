import { describe, expect, it } from "vitest";
import type { TenantId } from "../../shared/cache/keys";
import {
  metaRedisKey,
  REFRESH_DUE_REDIS_KEY,
  statsRedisKey,
  TENANT_PURGES_REDIS_KEY,
  TENANTS_REDIS_KEY,
  TOKENS_REDIS_KEY,
  tenantTokensRedisKey,
  WARM_DUE_REDIS_KEY,
  WARM_TENANTS_REDIS_KEY,
} from "../../shared/redis/key-layout";
import { StatsBuffer } from "../../shared/stats/stats-buffer";
import { RedisTenantRegistry } from "../../shared/tenants/redis-registry";
import type { TenantDeletionPage } from "../../shared/tenants/tenant-deletion";
import { TokenDigester } from "../../shared/tenants/token-digest";
import { cachePath, redisRunner, sleep, type TestApp, type TestTenant, testApp, uniqueTenant } from "../helpers/worker/test-env";
import { ORIGIN_URL, originPrefix, warmHarness } from "../shared/warm/warm-kit";
import { deleteUntilDone, keysOf, putEntries, QUICK_DELETE_VARS, redisCall } from "./tenant-delete-kit";

const uniqueOrigin = () => `https://${uniqueTenant("o")}.example`;
const put = (body: string): RequestInit => ({ method: "PUT", body, headers: { "Content-Type": "text/plain" } });
const json = (body: unknown): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});
const preflight = (origin: string): RequestInit => ({
  method: "OPTIONS",
  headers: { Origin: origin, "Access-Control-Request-Method": "GET" },
});

/** A tenant with an origin of its own, and a token with another origin of its own. */
async function tenantWithOrigins(app: TestApp) {
  const [own, tokenOnly] = [uniqueOrigin(), uniqueOrigin()];
  const tenant = await app.addTenant({ record: { allowedOrigins: [own] } });
  const browser = await app.issueToken(tenant, { scopes: ["read"], allowedOrigins: [tokenOnly] });
  return { tenant, browser, own, tokenOnly };
}

async function firstDelete(app: TestApp, tenant: string): Promise<TenantDeletionPage> {
  const res = await app.admin(`/admin/tenants/${tenant}`, { method: "DELETE" });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as TenantDeletionPage;
}

describe("DELETE /admin/tenants/{id}", () => {
  it("ends the tenant at once: its tokens fail, its preflights are refused, its entries are hidden; another tenant keeps everything", async () => {
    const app = await testApp({ tenants: 0, vars: { TOKEN_CACHE_SECONDS: "1" } });
    const alice = await tenantWithOrigins(app);
    const bob = await tenantWithOrigins(app);
    for (const { tenant } of [alice, bob]) expect((await app.as(tenant, cachePath("k"), put(`${tenant.tenant}'s`))).status).toBe(201);
    // An isolate that verified alice's token just before the delete.
    const cached = app.otherIsolate();
    expect((await cached.as(alice.tenant, cachePath("k"))).status).toBe(200);

    const page = await firstDelete(app, alice.tenant.tenant);
    expect(page).toMatchObject({ deleted: true, done: false });

    // The deleting isolate forgets at once; a fresh one never knew; the cached one within TOKEN_CACHE_SECONDS.
    for (const token of [alice.tenant, alice.browser]) {
      const res = await app.as(token, cachePath("k"));
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
    const fresh = app.otherIsolate();
    expect((await fresh.as(alice.tenant, cachePath("k"))).status).toBe(401);
    for (const origin of [alice.own, alice.tokenOnly]) {
      expect((await app.request(cachePath("k"), preflight(origin))).status).toBe(403);
      expect((await fresh.request(cachePath("k"), preflight(origin))).status).toBe(403);
    }
    await sleep(1100);
    expect((await cached.as(alice.tenant, cachePath("k"))).status).toBe(401);

    // Its record and every token record went in the one step; its clear watermark hides its entries.
    const runner = redisRunner();
    const digest = await new TokenDigester(app.env.TOKEN_PEPPER).digest(alice.tenant.token);
    const [record, token, meta] = await runner.run([
      { op: "hget", key: TENANTS_REDIS_KEY, field: alice.tenant.tenant },
      { op: "hget", key: TOKENS_REDIS_KEY, field: digest },
      { op: "hgetall", key: metaRedisKey(alice.tenant.tenant) },
    ]);
    expect([record?.ok && record.value, token?.ok && token.value]).toEqual([null, null]);
    expect(await redisCall(runner, "EXISTS", tenantTokensRedisKey(alice.tenant.tenant))).toBe(0);
    const watermarks = (meta?.ok ? meta.value : {}) as Record<string, string>;
    expect(Number(watermarks.clear)).toBe(Number(watermarks.seq));

    // Bob: his entry, tokens and origins, in every isolate.
    for (const isolate of [app, fresh]) {
      expect(await (await isolate.as(bob.tenant, cachePath("k"))).text()).toBe(`${bob.tenant.tenant}'s`);
      expect((await isolate.as(bob.browser, cachePath("k"))).status).toBe(200);
      for (const origin of [bob.own, bob.tokenOnly]) expect((await isolate.request(cachePath("k"), preflight(origin))).status).toBe(204);
    }
    expect((await app.admin(`/admin/tenants/${bob.tenant.tenant}`)).status).toBe(200);
  });

  it("sweeps a tenant's many keys in pages of the size asked, until no key of it is left and its id is free", async () => {
    const app = await testApp({ tenants: 2, vars: QUICK_DELETE_VARS });
    const [alice, bob] = app.tenants as [TestTenant, TestTenant];
    await putEntries(app, alice, 240);
    await putEntries(app, bob, 30);
    // Stats, storage use, watermarks: not entries, and swept too.
    expect((await app.as(alice, "/v1/invalidate", json({ tags: ["x"], prefixes: ["k1"] }))).status).toBe(200);
    expect((await app.as(alice, "/v1/stats")).status).toBe(200);
    const runner = redisRunner();
    const before = await keysOf(runner, alice.tenant);
    expect(before.length).toBeGreaterThan(240);
    const bobsBefore = await keysOf(runner, bob.tenant);

    const pages = await deleteUntilDone(app, alice.tenant, "count=20");
    expect(pages.length).toBeGreaterThan(5);
    // A page is a few SCANs and one delete: never the whole tenant at once.
    for (const page of pages) expect(page.keysDeleted).toBeLessThanOrEqual(60);
    expect(pages.reduce((sum, page) => sum + page.keysDeleted, 0)).toBeGreaterThanOrEqual(before.length - 1);
    expect(pages.at(-1)).toMatchObject({ deleted: true, done: true });

    expect(await keysOf(runner, alice.tenant)).toEqual([]);
    const [purge] = await runner.run([{ op: "hget", key: TENANT_PURGES_REDIS_KEY, field: alice.tenant }]);
    expect(purge?.ok && purge.value).toBeNull();
    // The delete flushed this isolate's pending stats, bob's among them: his keys can only have grown.
    expect(await keysOf(runner, bob.tenant)).toEqual(expect.arrayContaining(bobsBefore));
    for (const key of ["k0", "k7", "k29"]) expect(await (await app.as(bob, cachePath(key))).text()).toBe(`v${key.slice(1)}`);

    // Repeated after done: no tenant, no purge.
    const again = await app.admin(`/admin/tenants/${alice.tenant}`, { method: "DELETE" });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error: { code: "not_found" } });
    expect((await app.admin(`/admin/tenants/${alice.tenant}`)).status).toBe(404);
  });

  it("refuses to create the id again while its purge is unfinished, allows it once done, and the new tenant starts empty", async () => {
    const app = await testApp({ tenants: 1, vars: QUICK_DELETE_VARS });
    const alice = app.tenants[0] as TestTenant;
    expect((await app.as(alice, cachePath("k"), put("old"))).status).toBe(201);
    expect(await firstDelete(app, alice.tenant)).toMatchObject({ done: false, retryAfterMs: expect.any(Number) });

    const early = await app.admin("/admin/tenants", json({ id: alice.tenant }));
    expect(early.status).toBe(409);
    const { error } = (await early.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("conflict");
    expect(error.message).toContain("still being purged");
    expect(error.message).toContain(`npm run admin -- tenant delete ${alice.tenant}`);

    await deleteUntilDone(app, alice.tenant);
    expect((await app.admin("/admin/tenants", json({ id: alice.tenant }))).status).toBe(201);
    const reborn = await app.issueToken(alice, { scopes: ["read", "write"] });
    expect((await app.as(reborn, cachePath("k"))).status).toBe(404);
    expect((await app.otherIsolate().as(reborn, cachePath("k"))).status).toBe(404);
    // A cursor only goes on with a purge: it never deletes the tenant that took the id again.
    const stale = await app.admin(`/admin/tenants/${alice.tenant}?cursor=0`, { method: "DELETE" });
    expect(stale.status).toBe(409);
    expect((await app.admin(`/admin/tenants/${alice.tenant}`)).status).toBe(200);
  });

  it("turns away a stats flush that arrives after the purge, and counts again for a tenant created later under the id", async () => {
    const app = await testApp({ tenants: 1, vars: QUICK_DELETE_VARS });
    const alice = app.tenants[0] as TestTenant;
    const tenant = alice.tenant as TenantId;
    // Counts another isolate holds for the tenant, flushed only once the purge is done.
    const late = new StatsBuffer({ flushIntervalMs: 3_600_000 });
    late.add(tenant, "sets");
    await deleteUntilDone(app, alice.tenant);
    await late.flush(redisRunner());
    expect(await keysOf(redisRunner(), alice.tenant)).toEqual([]);

    expect((await app.admin("/admin/tenants", json({ id: alice.tenant }))).status).toBe(201);
    const reborn = new StatsBuffer({ flushIntervalMs: 3_600_000 });
    reborn.add(tenant, "sets");
    await reborn.flush(redisRunner());
    expect(await keysOf(redisRunner(), alice.tenant)).toContain(statsRedisKey(tenant));
  });

  it("takes the tenant out of the warm due index and the refresh-due set, and removes its plans and runs", async () => {
    const warm = await warmHarness({ vars: QUICK_DELETE_VARS });
    const tenant = warm.tenant.tenant;
    const plan = { schedule: "1h", targets: [{ key: "home", url: `${ORIGIN_URL}${originPrefix()}home` }] };
    expect((await warm.putPlan("news", plan)).status).toBe(201);
    const runner = redisRunner();
    await redisCall(runner, "ZADD", REFRESH_DUE_REDIS_KEY, String(Date.now() + 3_600_000), tenant);
    const indexed = async () => [
      await redisCall(runner, "ZSCORE", WARM_DUE_REDIS_KEY, tenant),
      await redisCall(runner, "ZSCORE", REFRESH_DUE_REDIS_KEY, tenant),
      await redisCall(runner, "SISMEMBER", WARM_TENANTS_REDIS_KEY, tenant),
    ];
    expect((await indexed()).map((value) => value !== null && value !== 0)).toEqual([true, true, true]);

    await firstDelete(warm.base, tenant);
    expect(await indexed()).toEqual([null, null, 0]);
    await deleteUntilDone(warm.base, tenant);
    expect(await indexed()).toEqual([null, null, 0]);
    expect(await keysOf(runner, tenant)).toEqual([]);
  });

  it("memory-only: deletes the tenant and its copies in the first call, and the id can be created again at once, empty", async () => {
    const app = await testApp({ tenants: 0, memoryOnly: true });
    const alice = await tenantWithOrigins(app);
    const bob = await app.addTenant();
    for (const tenant of [alice.tenant, bob]) expect((await app.as(tenant, cachePath("k"), put("v"))).status).toBe(202);
    expect((await app.request(cachePath("k"), preflight(alice.own))).status).toBe(204);

    expect(await firstDelete(app, alice.tenant.tenant)).toEqual({ deleted: true, done: true, cursor: "0", keysDeleted: 0 });
    expect((await app.as(alice.tenant, cachePath("k"))).status).toBe(401);
    for (const origin of [alice.own, alice.tokenOnly]) expect((await app.request(cachePath("k"), preflight(origin))).status).toBe(403);
    expect((await app.admin(`/admin/tenants/${alice.tenant.tenant}`, { method: "DELETE" })).status).toBe(404);

    expect((await app.admin("/admin/tenants", json({ id: alice.tenant.tenant }))).status).toBe(201);
    const reborn = await app.issueToken(alice.tenant, { scopes: ["read"] });
    expect((await app.as(reborn, cachePath("k"))).status).toBe(404);
    expect(await (await app.as(bob, cachePath("k"))).text()).toBe("v");
  });

  it("answers 404 for a tenant that does not exist, and for ids no tenant can have", async () => {
    const app = await testApp({ tenants: 1 });
    for (const id of [uniqueTenant("never"), "a%2A", "%2A", "a:b", "A", "-x", "x".repeat(64)]) {
      const res = await app.admin(`/admin/tenants/${id}`, { method: "DELETE" });
      expect(res.status, id).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
    }
    const tenant = (app.tenants[0] as TestTenant).tenant;
    for (const query of ["count=0", "count=1001", "count=ten", "cursor=abc", "cursor=1-2", "cursor=-1"]) {
      const res = await app.admin(`/admin/tenants/${tenant}?${query}`, { method: "DELETE" });
      expect(res.status, query).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_query" } });
    }
    expect((await app.admin(`/admin/tenants/${tenant}`)).status).toBe(200);
  });

  it("takes the admin token: without it, or with the tenant's own token, nothing is deleted", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0] as TestTenant;
    const refused: Record<string, string>[] = [
      {},
      { Authorization: `Bearer ${alice.token}` },
      { Authorization: "Bearer not-the-admin-token" },
    ];
    for (const headers of refused) {
      const res = await app.request(`/admin/tenants/${alice.tenant}`, { method: "DELETE", headers });
      expect(res.status).toBe(401);
    }
    expect((await app.admin(`/admin/tenants/${alice.tenant}`)).status).toBe(200);
    expect((await app.as(alice, cachePath("k"))).status).toBe(404);
  });

  it("names DELETE among the methods of /admin/tenants/{id}", async () => {
    const app = await testApp({ tenants: 1 });
    const res = await app.admin(`/admin/tenants/${(app.tenants[0] as TestTenant).tenant}`, { method: "PUT" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, PATCH, DELETE");
  });

  it("stores no token for a deleted tenant, so none is left to authenticate for a tenant created later under its id", async () => {
    const app = await testApp({ tenants: 1, vars: QUICK_DELETE_VARS });
    const alice = app.tenants[0] as TestTenant;
    await deleteUntilDone(app, alice.tenant);
    const issued = await app.admin(`/admin/tenants/${alice.tenant}/tokens`, json({ scopes: ["read"] }));
    expect(issued.status).toBe(404);
    const registry = new RedisTenantRegistry(redisRunner());
    const late = {
      id: crypto.randomUUID(),
      tenant: alice.tenant,
      scopes: ["read" as const],
      hint: "ec_…",
      createdAt: new Date().toISOString(),
    };
    expect(await registry.putToken("digest-of-a-late-token", late)).toBe(false);
    const [stored] = await redisRunner().run([{ op: "hget", key: TOKENS_REDIS_KEY, field: "digest-of-a-late-token" }]);
    expect(stored?.ok && stored.value).toBeNull();
  });
});
