import { describe, expect, it } from "vitest";
import { cachePath, gatewayScope, testApp, uniqueTenant } from "../helpers/worker/test-env";

const preflight = (origin: string, client?: string): RequestInit => ({
  method: "OPTIONS",
  headers: { Origin: origin, "Access-Control-Request-Method": "GET", ...(client ? { "CF-Connecting-IP": client } : {}) },
});
/** An origin no other test uses: every test shares one Redis, and so one origin index. */
const uniqueOrigin = () => `https://${uniqueTenant("o")}.example`;
const json = (method: string, body: unknown): RequestInit => ({
  method,
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});

async function countedApp(vars: Record<string, string> = {}, tenants = 1) {
  const origin = uniqueOrigin();
  const { control, token } = await gatewayScope();
  const app = await testApp({
    tenants,
    tenant: { record: { allowedOrigins: [origin] } },
    vars: { UPSTASH_REDIS_REST_TOKEN: token, ...vars },
  });
  return { app, control, origin };
}

describe("CORS preflight", () => {
  it("costs one Redis request per origin per TOKEN_CACHE_SECONDS, allowed or refused, however many tenants there are", async () => {
    const { app, control, origin } = await countedApp({}, 5);
    for (const tenant of app.tenants) await app.issueToken(tenant, { scopes: ["read"], allowedOrigins: [uniqueOrigin()] });
    // A fresh Redis answers the first lookup NOSCRIPT and the script is sent again: not what is counted here.
    await app.request(cachePath("k"), preflight(uniqueOrigin()));
    await control.resetCounters();
    for (let i = 0; i < 5; i++) expect((await app.request(cachePath("k"), preflight(origin))).status).toBe(204);
    expect((await control.counters()).requests.total).toBe(1);
    for (let i = 0; i < 5; i++) expect((await app.request(cachePath("k"), preflight(uniqueOrigin()))).status).toBe(403);
    expect((await control.counters()).requests.total).toBe(6);
  });

  it("refuses an Origin that is not scheme://host[:port] with 403, without asking Redis", async () => {
    const { app, control, origin } = await countedApp();
    await control.resetCounters();
    for (const junk of [
      "null",
      `${origin}/`,
      origin.toUpperCase(),
      "ftp://files.example",
      "https://a.example:99999",
      `https://${"a".repeat(300)}.example`,
    ]) {
      const res = await app.request(cachePath("k"), preflight(junk));
      expect(res.status, junk).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "origin_not_allowed" } });
    }
    expect((await control.counters()).requests.total).toBe(0);
  });

  it("stops looking up made-up origins for a client past AUTH_FAILURES_PER_MINUTE: 429 without Redis, while cached answers still come", async () => {
    const { app, control, origin } = await countedApp({ AUTH_FAILURES_PER_MINUTE: "3" });
    expect((await app.request(cachePath("k"), preflight(origin, "198.51.100.7"))).status).toBe(204);
    for (let i = 0; i < 3; i++) expect((await app.request(cachePath("k"), preflight(uniqueOrigin(), "198.51.100.7"))).status).toBe(403);
    await control.resetCounters();
    const refused = await app.request(cachePath("k"), preflight(uniqueOrigin(), "198.51.100.7"));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("Retry-After")).not.toBeNull();
    expect((await app.request(cachePath("k"), preflight(origin, "198.51.100.7"))).status).toBe(204);
    expect((await control.counters()).requests.total).toBe(0);
    expect((await app.request(cachePath("k"), preflight(uniqueOrigin(), "198.51.100.8"))).status).toBe(403);
  });

  it("follows the admin API: a tenant's new origin passes, a disabled tenant's and a revoked token's do not", async () => {
    const { app, origin } = await countedApp({ TOKEN_CACHE_SECONDS: "0" });
    const alice = app.tenants[0]!;
    const [added, tokenOrigin] = [uniqueOrigin(), uniqueOrigin()];
    expect((await app.admin(`/admin/tenants/${alice.tenant}`, json("PATCH", { allowedOrigins: [origin, added] }))).status).toBe(200);
    const token = await app.issueToken(alice, { scopes: ["read"], allowedOrigins: [tokenOrigin] });
    for (const allowed of [origin, added, tokenOrigin]) expect((await app.request(cachePath("k"), preflight(allowed))).status).toBe(204);
    await app.admin(`/admin/tenants/${alice.tenant}/tokens/${token.tokenId}`, { method: "DELETE" });
    expect((await app.request(cachePath("k"), preflight(tokenOrigin))).status).toBe(403);
    await app.admin(`/admin/tenants/${alice.tenant}`, json("PATCH", { status: "disabled" }));
    expect((await app.request(cachePath("k"), preflight(added))).status).toBe(403);
  });

  it("keeps passing an origin it allowed recently while Redis is unreachable, and answers 503 for one it never saw", async () => {
    const { app, control, origin } = await countedApp({ TOKEN_CACHE_SECONDS: "0" });
    expect((await app.request(cachePath("k"), preflight(origin))).status).toBe(204);
    await control.setFaults({ refuse: true });
    try {
      expect((await app.request(cachePath("k"), preflight(origin))).status).toBe(204);
      expect((await app.request(cachePath("k"), preflight(uniqueOrigin()))).status).toBe(503);
    } finally {
      await control.clearFaults();
    }
  });

  it("answers from this isolate's own index in memory-only mode", async () => {
    const origin = uniqueOrigin();
    const app = await testApp({ memoryOnly: true, tenants: 1, tenant: { record: { allowedOrigins: [origin] } } });
    expect((await app.request(cachePath("k"), preflight(origin))).status).toBe(204);
    expect((await app.request(cachePath("k"), preflight(uniqueOrigin()))).status).toBe(403);
  });
});
