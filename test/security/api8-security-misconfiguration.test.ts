import { describe, expect, it } from "vitest";
import { cachePath, testApp } from "../helpers/worker/test-env";

const APP_ORIGIN = "https://app.example.test";
const preflight = (origin: string): RequestInit => ({
  method: "OPTIONS",
  headers: { Origin: origin, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" },
});

describe("API8 security misconfiguration", () => {
  it("answers a preflight only for an origin some tenant allows, and never with *", async () => {
    const app = await testApp({ tenants: 1, tenant: { record: { allowedOrigins: [APP_ORIGIN] } } });
    const allowed = await app.request(cachePath("k"), preflight(APP_ORIGIN));
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe(APP_ORIGIN);
    expect(allowed.headers.get("Access-Control-Allow-Headers")).toContain("Authorization");
    const denied = await app.request(cachePath("k"), preflight("https://evil.example.test"));
    expect(denied.status).toBe(403);
    expect(denied.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("lets a browser request through only from the token's or tenant's origins", async () => {
    const app = await testApp({ tenants: 1, tenant: { record: { allowedOrigins: [APP_ORIGIN] } } });
    const alice = app.tenants[0]!;
    const ok = await app.as(alice, cachePath("k"), { headers: { Origin: APP_ORIGIN } });
    expect(ok.status).toBe(404);
    expect(ok.headers.get("Access-Control-Allow-Origin")).toBe(APP_ORIGIN);
    expect(ok.headers.get("Vary")).toContain("Origin");
    expect(ok.headers.get("Access-Control-Expose-Headers")).toContain("X-Cache");
    const evil = await app.as(alice, cachePath("k"), { headers: { Origin: "https://evil.example.test" } });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(await evil.json()).toMatchObject({ error: { code: "origin_not_allowed" } });
    // A token with its own origins uses those instead of the tenant's.
    const narrow = await app.issueToken(alice, { scopes: ["read"], allowedOrigins: ["https://other.example.test"] });
    expect((await app.as(narrow, cachePath("k"), { headers: { Origin: APP_ORIGIN } })).status).toBe(403);
    expect((await app.as(narrow, cachePath("k"), { headers: { Origin: "https://other.example.test" } })).status).toBe(404);
  });

  it("sends no CORS headers at all to a tenant that allows no origins", async () => {
    const app = await testApp({ tenants: 1 });
    const res = await app.as(app.tenants[0]!, cachePath("k"), { headers: { Origin: APP_ORIGIN } });
    expect(res.status).toBe(403);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("serves stored values inert: no sniffing, no rendering as a page", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    await app.as(alice, cachePath("page"), { method: "PUT", body: "<script>alert(1)</script>", headers: { "Content-Type": "text/html" } });
    const res = await app.as(alice, cachePath("page"));
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Content-Security-Policy")).toContain("sandbox");
  });

  it("hides the cause of an internal error behind a bare 500", async () => {
    const app = await testApp({ tenants: 0, vars: { MAX_TTL_SECONDS: "10", DEFAULT_TTL_SECONDS: "20" } });
    const res = await app.request("/health");
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain("DEFAULT_TTL_SECONDS");
    expect(body.error.message).not.toMatch(/at \w+ \(|\.ts:\d+/);
  });
});
