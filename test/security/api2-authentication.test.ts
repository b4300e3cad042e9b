import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TenantId } from "../../shared/cache/keys";
import { TOKENS_REDIS_KEY } from "../../shared/redis/key-layout";
import { RedisTenantRegistry } from "../../shared/tenants/redis-registry";
import { TokenDigester } from "../../shared/tenants/token-digest";
import { generateToken } from "../../shared/tenants/token-format";
import { cachePath, gatewayScope, redisRunner, sleep, testApp } from "../helpers/worker/test-env";

const put = (body: string) => ({ method: "PUT", body, headers: { "Content-Type": "text/plain" } });

describe("API2 broken authentication", () => {
  it("refuses missing, malformed and unknown tokens with 401 and a Bearer challenge", async () => {
    const app = await testApp({ tenants: 0 });
    for (const authorization of [
      undefined,
      "Basic dXNlcjpwYXNz",
      "Bearer",
      "bearer x",
      `Bearer ${generateToken()}`,
      `Bearer ${"x".repeat(600)}`,
    ]) {
      const res = await app.request(cachePath("k"), authorization ? { headers: { Authorization: authorization } } : {});
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
      expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
  });

  it("rejects a token with a wrong checksum without asking Redis", async () => {
    const { control, token } = await gatewayScope();
    const app = await testApp({ vars: { UPSTASH_REDIS_REST_TOKEN: token } });
    const real = app.tenants[0]!.token;
    const typo = `${real.slice(0, 10)}${real[10] === "a" ? "b" : "a"}${real.slice(11)}`;
    await control.resetCounters();
    const res = await app.as({ token: typo }, cachePath("k"));
    expect(res.status).toBe(401);
    expect((await control.counters()).requests.total).toBe(0);
  });

  it("stores tokens only as keyed digests, never the token itself", async () => {
    const app = await testApp({ tenants: 1 });
    const { token } = app.tenants[0]!;
    const [reply] = await redisRunner().run([{ op: "hvals", key: TOKENS_REDIS_KEY }]);
    const stored = JSON.stringify(reply?.ok ? reply.value : null);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(token.slice(3, 30));
    const digest = await new TokenDigester(app.env.TOKEN_PEPPER).digest(token);
    const [record] = await redisRunner().run([{ op: "hget", key: TOKENS_REDIS_KEY, field: digest }]);
    expect(record?.ok && typeof record.value === "string").toBe(true);
  });

  it("answers an expired token with 401 token_expired", async () => {
    const app = await testApp({ tenants: 1 });
    const tenant = app.tenants[0]!.tenant;
    const token = generateToken();
    const registry = new RedisTenantRegistry(redisRunner());
    await registry.putToken(await new TokenDigester(app.env.TOKEN_PEPPER).digest(token), {
      id: crypto.randomUUID(),
      tenant,
      scopes: ["read"],
      hint: "ec_…",
      createdAt: new Date(Date.now() - 120_000).toISOString(),
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    const res = await app.as({ token }, cachePath("k"));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "token_expired" } });
  });

  it("stops a revoked token everywhere within TOKEN_CACHE_SECONDS, with 401 token_revoked", async () => {
    const app = await testApp({ tenants: 1, vars: { TOKEN_CACHE_SECONDS: "1" } });
    const alice = app.tenants[0]!;
    const other = app.otherIsolate();
    expect((await other.as(alice, cachePath("k"))).status).toBe(404);
    expect((await app.admin(`/admin/tenants/${alice.tenant}/tokens/${alice.tokenId}`, { method: "DELETE" })).status).toBe(204);
    // The revoking isolate forgets at once; another one may use its cached answer for up to 1 s.
    expect(await (await app.as(alice, cachePath("k"))).json()).toMatchObject({ error: { code: "token_revoked" } });
    await sleep(1100);
    const res = await other.as(alice, cachePath("k"));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: "token_revoked" } });
  });

  it("answers a disabled tenant's tokens with 403 tenant_disabled, and lets them in again once enabled", async () => {
    const app = await testApp({ tenants: 1, vars: { TOKEN_CACHE_SECONDS: "0" } });
    const alice = app.tenants[0]!;
    const patch = (status: string) =>
      app.admin(`/admin/tenants/${alice.tenant}`, {
        method: "PATCH",
        body: JSON.stringify({ status }),
        headers: { "Content-Type": "application/json" },
      });
    expect((await patch("disabled")).status).toBe(200);
    const res = await app.as(alice, cachePath("k"));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: "tenant_disabled" } });
    await patch("active");
    expect((await app.as(alice, cachePath("k"))).status).toBe(404);
  });

  it("rotates a token: the new one works, the old one is revoked", async () => {
    const app = await testApp({ tenants: 1, vars: { TOKEN_CACHE_SECONDS: "0" } });
    const alice = app.tenants[0]!;
    const res = await app.admin(`/admin/tenants/${alice.tenant}/tokens/${alice.tokenId}/rotate`, { method: "POST" });
    expect(res.status).toBe(201);
    const rotated = (await res.json()) as { token: string; scopes: string[] };
    expect(rotated.scopes).toEqual(["read", "write", "manage"]);
    expect((await app.as({ token: rotated.token }, cachePath("k"), put("v"))).status).toBe(201);
    expect((await app.as(alice, cachePath("k"))).status).toBe(401);
  });

  it("refuses a wrong admin token, and closes /admin when no ADMIN_TOKEN is configured", async () => {
    const app = await testApp({ tenants: 0 });
    expect((await app.request("/admin/tenants", { headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}x` } })).status).toBe(401);
    const closed = await testApp({ tenants: 0, vars: { ADMIN_TOKEN: "" } });
    expect((await closed.request("/admin/tenants", { headers: { Authorization: "Bearer " } })).status).toBe(401);
    expect((await closed.request("/admin/tenants", { headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}` } })).status).toBe(401);
  });

  it("never lets a tenant id from the URL or body pick the tenant", async () => {
    const app = await testApp();
    const [alice, bob] = app.tenants;
    await app.as(bob!, cachePath("secret"), put("bob's"));
    const viaQuery = await app.as(alice!, `${cachePath("secret")}?tenant=${bob!.tenant}`);
    expect(viaQuery.status).toBe(404);
    const viaBody = await app.as(alice!, "/v1/batch", {
      method: "POST",
      body: JSON.stringify({ tenant: bob!.tenant as TenantId, get: ["secret"] }),
      headers: { "Content-Type": "application/json" },
    });
    expect(viaBody.status).toBe(400);
  });
});
