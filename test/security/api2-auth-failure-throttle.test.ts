import { describe, expect, it } from "vitest";
import { generateToken } from "../../shared/tenants/token-format";
import { cachePath, gatewayScope, testApp } from "../helpers/worker/test-env";

/** An app whose Redis requests are counted, allowing 3 failed authentications per client and minute. */
async function countedApp() {
  const { control, token } = await gatewayScope();
  const app = await testApp({ tenants: 1, vars: { UPSTASH_REDIS_REST_TOKEN: token, AUTH_FAILURES_PER_MINUTE: "3" } });
  return { app, control, alice: app.tenants[0]! };
}

const from = (client: string | undefined, token?: string): RequestInit => ({
  headers: { ...(client ? { "CF-Connecting-IP": client } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) },
});

describe("API2: repeated failed authentications from one client", () => {
  it("are refused with 429 and Retry-After once past AUTH_FAILURES_PER_MINUTE, without asking Redis", async () => {
    const { app, control } = await countedApp();
    for (let i = 0; i < 3; i++) expect((await app.request(cachePath("k"), from("198.51.100.7", generateToken()))).status).toBe(401);
    await control.resetCounters();
    for (const init of [from("198.51.100.7", generateToken()), from("198.51.100.7"), from("198.51.100.7", "not-a-token")]) {
      const res = await app.request(cachePath("k"), init);
      expect(res.status).toBe(429);
      expect(Number(res.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
      expect(Number(res.headers.get("Retry-After"))).toBeLessThanOrEqual(60);
      expect(await res.json()).toMatchObject({ error: { code: "rate_limited" } });
    }
    expect((await control.counters()).requests.total).toBe(0);
  });

  it("count unknown, revoked and malformed tokens alike, and requests without a client address as one client", async () => {
    const { app, alice } = await countedApp();
    const revoked = await app.issueToken(alice, { scopes: ["read"] });
    await app.admin(`/admin/tenants/${alice.tenant}/tokens/${revoked.tokenId}`, { method: "DELETE" });
    expect((await app.request(cachePath("k"), from(undefined, revoked.token))).status).toBe(401);
    expect((await app.request(cachePath("k"), from(undefined, generateToken()))).status).toBe(401);
    expect((await app.request(cachePath("k"), from(undefined, "ec_short"))).status).toBe(401);
    expect((await app.request(cachePath("k"), from(undefined, generateToken()))).status).toBe(429);
  });

  it("do not lock out a token that already verified in this isolate, behind the same address", async () => {
    const { app, control, alice } = await countedApp();
    const client = "203.0.113.9";
    expect((await app.request(cachePath("k"), from(client, alice.token))).status).toBe(404);
    const fresh = await app.issueToken(alice, { scopes: ["read"] });
    for (let i = 0; i < 4; i++) await app.request(cachePath("k"), from(client, generateToken()));
    await control.resetCounters();
    expect((await app.request(cachePath("k"), from(client, alice.token))).status).toBe(404);
    // A token this isolate has not verified yet waits out the window like any other.
    expect((await app.request(cachePath("k"), from(client, fresh.token))).status).toBe(429);
  });

  it("do not affect another client", async () => {
    const { app, alice } = await countedApp();
    for (let i = 0; i < 4; i++) await app.request(cachePath("k"), from("198.51.100.7", generateToken()));
    expect((await app.request(cachePath("k"), from("198.51.100.8", generateToken()))).status).toBe(401);
    expect((await app.request(cachePath("k"), from("198.51.100.8", alice.token))).status).toBe(404);
  });

  it("do not include a disabled tenant's token: it is a real token, answered 403 each time", async () => {
    const { app, alice } = await countedApp();
    await app.admin(`/admin/tenants/${alice.tenant}`, {
      method: "PATCH",
      body: JSON.stringify({ status: "disabled" }),
      headers: { "Content-Type": "application/json" },
    });
    for (let i = 0; i < 5; i++) expect((await app.request(cachePath("k"), from("198.51.100.7", alice.token))).status).toBe(403);
  });
});

describe("API2: made-up tokens", () => {
  it("cost one Redis lookup each, and nothing when repeated", async () => {
    const { app, control } = await countedApp();
    const madeUp = generateToken();
    await control.resetCounters();
    expect((await app.request(cachePath("k"), from("198.51.100.20", madeUp))).status).toBe(401);
    expect((await control.counters()).requests.total).toBe(1);
    expect((await app.request(cachePath("k"), from("198.51.100.21", madeUp))).status).toBe(401);
    expect((await app.request(cachePath("k"), from("198.51.100.22", madeUp))).status).toBe(401);
    expect((await control.counters()).requests.total).toBe(1);
  });
});
