import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../functions/app";
import { dashboard } from "../../functions/dashboard/dashboard";
import { readHitRatioSeries } from "../../shared/dashboard/hit-ratio-series";
import { SettledMinutes } from "../../shared/dashboard/settled-minutes";
import { statsMinuteRedisKey } from "../../shared/redis/key-layout";
import { COUNTER_NAMES } from "../../shared/stats/counters";
import { ADMIN_TOKEN, cachePath, gatewayScope, redisRunner, type TestApp, testApp, uniqueTenant } from "../helpers/worker/test-env";
import { ORIGIN_URL, originPrefix, type WarmHarness, warmHarness } from "../shared/warm/warm-kit";

// The app as the Worker serves it, with the dashboard mounted here until functions/app.ts mounts it.
const app = buildApp();
if (!app.routes.some((route) => route.path.startsWith("/dashboard"))) app.route("/dashboard", dashboard);

const ORIGIN = "http://localhost";

async function page(t: TestApp, path: string, init: RequestInit = {}): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.request(path, init, t.env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

function withCookie(cookie: string, init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  headers.set("Cookie", cookie);
  return { ...init, headers };
}

function signInRequest(token: string, origin = ORIGIN): RequestInit {
  return {
    method: "POST",
    body: new URLSearchParams({ token }),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: origin },
  };
}

/** Signs in through the form and returns the `name=value` part of the session cookie. */
async function signIn(t: TestApp, token: string): Promise<string> {
  const response = await page(t, "/dashboard/session", signInRequest(token));
  expect(response.status, await response.clone().text()).toBe(303);
  const cookie = response.headers.get("Set-Cookie") ?? "";
  return cookie.split(";")[0] as string;
}

/** The counters the page shows, from the data-counter/data-value pairs of its panels. */
function countersOn(html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(/data-counter="(\w+)" data-value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

async function statsOf(t: TestApp, token: string) {
  const response = await t.as({ token }, "/v1/stats");
  expect(response.status).toBe(200);
  return (await response.json()) as { counters: Record<string, number>; hitRatio: number | null; complete: boolean };
}

function expectSameCounters(html: string, stats: { counters: Record<string, number>; hitRatio: number | null }) {
  const shown = countersOn(html);
  for (const name of COUNTER_NAMES) expect(shown[name], name).toBe(String(stats.counters[name]));
  expect(shown.hitRatio).toBe(stats.hitRatio === null ? "" : String(stats.hitRatio));
}

const put = (body: string): RequestInit => ({ method: "PUT", body, headers: { "Content-Type": "text/plain" } });

async function someTraffic(t: TestApp, token: string) {
  await t.as({ token }, cachePath("hot"), put("hot value"));
  await t.as({ token }, cachePath("warm"), put("w"));
  for (let i = 0; i < 4; i++) await t.as({ token }, cachePath("hot"));
  await t.as({ token }, cachePath("warm"));
  await t.as({ token }, cachePath("missing"));
}

describe("dashboard sign-in", () => {
  it("shows a sign-in form without a session, with no-store, a strict CSP and no CORS", async () => {
    const t = await testApp({ tenants: 0 });
    const response = await page(t, "/dashboard", { headers: { Origin: "https://elsewhere.example" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toContain("text/html");
    const html = await response.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain('<form method="post" action="/dashboard/session">');
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const csp = response.headers.get("Content-Security-Policy") ?? "";
    const nonce = /style-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(html).toContain(`<style nonce="${nonce}">`);
    for (const directive of ["default-src 'none'", "img-src data:", "form-action 'self'", "frame-ancestors 'none'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain("script-src");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("refuses an invalid token with the form and an error, and sets no cookie", async () => {
    const t = await testApp({ tenants: 0 });
    const bogus = `ec_${"A".repeat(40)}_${"B".repeat(6)}`;
    const response = await page(t, "/dashboard/session", signInRequest(bogus));
    expect(response.status).toBe(401);
    expect(response.headers.get("Set-Cookie")).toBeNull();
    const html = await response.text();
    expect(html).toContain("That token is not valid.");
    expect(html).toContain('action="/dashboard/session"');
    expect(html).not.toContain(bogus);
  });

  it("refuses a token without the manage scope", async () => {
    const t = await testApp({ tenants: 1, tenant: { scopes: ["read", "write"] } });
    const response = await page(t, "/dashboard/session", signInRequest(t.tenants[0]!.token));
    expect(response.status).toBe(403);
    expect(response.headers.get("Set-Cookie")).toBeNull();
    expect(await response.text()).toContain("lacks the manage scope");
  });

  it("signs a manage token in with an HttpOnly, SameSite=Strict cookie scoped to /dashboard, then shows the page", async () => {
    const t = await testApp({ tenants: 1 });
    const response = await page(t, "/dashboard/session", signInRequest(t.tenants[0]!.token));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/dashboard");
    const cookie = response.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/^ec_dashboard=[^;]+;/);
    expect(cookie).toContain("Path=/dashboard");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Max-Age=28800");
    expect(cookie).not.toContain("Secure");
    const shown = await page(t, "/dashboard", withCookie(cookie.split(";")[0] as string));
    expect(shown.status).toBe(200);
    const html = await shown.text();
    expect(html).toContain(`data-tenant="${t.tenants[0]!.tenant}"`);
    expect(html).not.toContain(t.tenants[0]!.token);
  });

  it("marks the cookie Secure on https, and ends it no later than the token", async () => {
    const t = await testApp({ tenants: 1 });
    const expiring = await t.issueToken(t.tenants[0]!, { scopes: ["manage"], expiresInSeconds: 600 });
    const response = await page(t, "https://edge.example/dashboard/session", signInRequest(expiring.token, "https://edge.example"));
    expect(response.status).toBe(303);
    const cookie = response.headers.get("Set-Cookie") ?? "";
    expect(cookie).toContain("Secure");
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(600);
  });

  it("accepts sign-in and sign-out forms from its own origin only", async () => {
    const t = await testApp({ tenants: 1 });
    const crossSite = await page(t, "/dashboard/session", signInRequest(t.tenants[0]!.token, "https://evil.example"));
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get("Set-Cookie")).toBeNull();
    const noOrigin = await page(t, "/dashboard/session", {
      ...signInRequest(t.tenants[0]!.token),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    expect(noOrigin.status).toBe(403);
    const fetchSite = await page(t, "/dashboard/session", {
      ...signInRequest(t.tenants[0]!.token),
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin" },
    });
    expect(fetchSite.status).toBe(303);
    const signOut = await page(t, "/dashboard/session/delete", { method: "POST", headers: { Origin: "https://evil.example" } });
    expect(signOut.status).toBe(403);
  });

  it("signs out: the cookie is cleared and the form is back", async () => {
    const t = await testApp({ tenants: 1 });
    const cookie = await signIn(t, t.tenants[0]!.token);
    const response = await page(t, "/dashboard/session/delete", withCookie(cookie, { method: "POST", headers: { Origin: ORIGIN } }));
    expect(response.status).toBe(303);
    expect(response.headers.get("Location")).toBe("/dashboard");
    const cleared = response.headers.get("Set-Cookie") ?? "";
    expect(cleared).toMatch(/^ec_dashboard=;/);
    expect(cleared).toContain("Max-Age=0");
    expect(cleared).toContain("Path=/dashboard");
    const after = await page(t, "/dashboard");
    expect(await after.text()).toContain('action="/dashboard/session"');
  });

  it("refuses the cookie of a revoked token on the next page, and clears it", async () => {
    const t = await testApp({ tenants: 1 });
    const tenant = t.tenants[0]!;
    const cookie = await signIn(t, tenant.token);
    expect((await page(t, "/dashboard", withCookie(cookie))).status).toBe(200);
    expect((await t.admin(`/admin/tenants/${tenant.tenant}/tokens/${tenant.tokenId}`, { method: "DELETE" })).status).toBeLessThan(300);
    const response = await page(t, "/dashboard", withCookie(cookie));
    expect(response.status).toBe(401);
    expect(response.headers.get("Set-Cookie")).toContain("Max-Age=0");
    const html = await response.text();
    expect(html).toContain("Your session has ended. That token has been revoked.");
    expect(html).not.toContain("data-panel=");
  });

  it("answers JSON errors to clients that ask for JSON", async () => {
    const t = await testApp({ tenants: 0 });
    const response = await page(t, "/dashboard", { headers: { Accept: "application/json" } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
    const badWindow = await page(t, "/dashboard?window=7d", { headers: { Accept: "application/json" } });
    expect(badWindow.status).toBe(400);
    expect(await badWindow.json()).toMatchObject({ error: { code: "invalid_query" } });
  });
});

describe("dashboard page", () => {
  it("shows every panel, and exactly the counters GET /v1/stats reports", async () => {
    const t = await testApp({ tenants: 2, vars: { STATS_FLUSH_INTERVAL_MS: "1" } });
    const [alice, bob] = t.tenants;
    await someTraffic(t, alice!.token);
    await t.as(bob!, cachePath("other"), put("bob"));
    const cookie = await signIn(t, alice!.token);
    const html = await (await page(t, "/dashboard", withCookie(cookie))).text();
    const stats = await statsOf(t, alice!.token);
    expect(stats.counters).toMatchObject({ sets: 2, l1Hits: 5, misses: 1 });
    expectSameCounters(html, stats);
    for (const panel of ["hit-ratio", "split", "counters", "top-keys", "health", "warm"]) expect(html).toContain(`data-panel="${panel}"`);
    // The chart has a line: the counts were flushed into this minute's bucket.
    expect(html).toMatch(/<path class="ratio" d="M[\d.]+ [\d.]+"/);
    expect(html).not.toContain("No reads counted in this window yet");
    expect(html).toMatch(/title="hot">hot<\/td><td class="num">4</);
    expect(html).toContain('data-health="ok"');
    expect(html).toContain("No warm plans.");
    expect(html).toContain('<meta http-equiv="refresh" content="30"/>');
  });

  it("shows the tenant's storage use in Redis against its budget, as GET /v1/stats reports it", async () => {
    const t = await testApp({ tenants: 1, tenant: { record: { limits: { storageBytes: 10_000 } } } });
    const alice = t.tenants[0]!;
    await t.as(alice, cachePath("k"), put("x".repeat(1000)));
    const cookie = await signIn(t, alice.token);
    const html = await (await page(t, "/dashboard", withCookie(cookie))).text();
    const { storage } = (await (await t.as(alice, "/v1/stats")).json()) as { storage: { usedBytes: number; budgetBytes: number } };
    expect(storage.usedBytes).toBeGreaterThan(1000);
    expect(html).toContain(`<tr data-storage="ok" data-storage-used="${storage.usedBytes}" data-storage-budget="10000">`);
    expect(html).toContain(`of 9.8 KiB (${((storage.usedBytes / 10_000) * 100).toFixed(1)}%)`);
  });

  it("adds this isolate's unflushed counts to what others flushed, as the API does", async () => {
    const t = await testApp({ tenants: 1, vars: { STATS_FLUSH_INTERVAL_MS: "3600000" } });
    const alice = t.tenants[0]!;
    await someTraffic(t, alice.token);
    const cookie = await signIn(t, alice.token);
    const html = await (await page(t, "/dashboard?window=6h", withCookie(cookie))).text();
    const stats = await statsOf(t, alice.token);
    expect(stats.counters.l1Hits).toBe(5);
    expectSameCounters(html, stats);
    expect(html).toContain("5-minute buckets");
    expect(html).toContain('aria-current="page">6h<');
  });

  it("shows warm plans and the outcome of their runs", async () => {
    const warm: WarmHarness = await warmHarness();
    try {
      const prefix = originPrefix();
      expect(
        (await warm.putPlan("catalogue", { schedule: "5m", targets: [{ urlTemplate: `${ORIGIN_URL}${prefix}{key}`, keys: ["a", "b"] }] }))
          .status,
      ).toBe(201);
      expect((await warm.as("/v1/warm/plans/catalogue/run", { method: "POST" })).status).toBe(200);
      const cookie = await signIn(warm.base, warm.tenant.token);
      const html = await (await page(warm.base, "/dashboard", withCookie(cookie))).text();
      expect(html).toContain("<td>catalogue</td><td><code>*/5 * * * *</code></td>");
      expect(html).toContain('<tr data-run-outcome="ok">');
      expect(html).toContain("2 / 2");
    } finally {
      await warm.cleanUp();
    }
  });

  it("shows a tenant session its own tenant only", async () => {
    const t = await testApp({ tenants: 2 });
    const cookie = await signIn(t, t.tenants[0]!.token);
    const other = await page(t, `/dashboard?tenant=${t.tenants[1]!.tenant}`, withCookie(cookie));
    expect(other.status).toBe(403);
    expect(await other.text()).not.toContain(t.tenants[1]!.tenant);
    const own = await page(t, `/dashboard?tenant=${t.tenants[0]!.tenant}`, withCookie(cookie));
    expect(own.status).toBe(200);
  });

  it("lets the admin pick any tenant, and shows that tenant's counters as the API reports them", async () => {
    const t = await testApp({ tenants: 2 });
    const [alice, bob] = t.tenants;
    await someTraffic(t, bob!.token);
    const cookie = await signIn(t, ADMIN_TOKEN);
    const list = await page(t, "/dashboard", withCookie(cookie));
    expect(list.status).toBe(200);
    const listHtml = await list.text();
    expect(listHtml).toContain('data-panel="tenant-picker"');
    expect(listHtml).toContain(`<option value="${alice!.tenant}"`);
    expect(listHtml).toContain(`<option value="${bob!.tenant}"`);
    expect(listHtml).not.toContain(ADMIN_TOKEN);

    const html = await (await page(t, `/dashboard?tenant=${bob!.tenant}&window=24h`, withCookie(cookie))).text();
    expect(html).toContain(`data-tenant="${bob!.tenant}"`);
    expect(html).toContain(`<option value="${bob!.tenant}" selected="">`);
    expectSameCounters(html, await statsOf(t, bob!.token));
    expect(html).toContain(`href="/dashboard?tenant=${bob!.tenant}&amp;window=1h"`);

    const unknown = await page(t, `/dashboard?tenant=${uniqueTenant("nobody")}`, withCookie(cookie));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain("There is no tenant with that id.");
    const malformed = await page(t, "/dashboard?tenant=Not%20A%20Tenant", withCookie(cookie));
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get("Content-Type")).toContain("text/html");
  });

  it("shows this isolate's counts in memory-only mode, and says the time series needs Redis", async () => {
    const t = await testApp({ tenants: 1, memoryOnly: true });
    const alice = t.tenants[0]!;
    await someTraffic(t, alice.token);
    const cookie = await signIn(t, alice.token);
    const response = await page(t, "/dashboard", withCookie(cookie));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('data-note="memory-only"');
    expect(html).toContain("The time series is kept per minute in Redis.");
    expect(html).toContain("memory only");
    expect(html).toContain('<tr data-storage="memory-only">');
    const stats = await statsOf(t, alice.token);
    expect(stats.counters.l1Hits).toBe(5);
    expectSameCounters(html, stats);
  });

  it("answers bad input with a small HTML page, never a 500", async () => {
    const t = await testApp({ tenants: 1 });
    const cookie = await signIn(t, t.tenants[0]!.token);
    const cases: [string, RequestInit, number][] = [
      ["/dashboard?window=7d", withCookie(cookie), 400],
      ["/dashboard/nothing-here", {}, 404],
      ["/dashboard", { method: "DELETE" }, 405],
      ["/dashboard/session", { method: "GET" }, 405],
      ["/dashboard/session", { method: "POST", body: "{}", headers: { "Content-Type": "application/json", Origin: ORIGIN } }, 400],
      ["/dashboard/session", signInRequest("x".repeat(10_000)), 413],
      [
        "/dashboard/session",
        { method: "POST", body: "--x\r\nbroken", headers: { "Content-Type": "multipart/form-data; boundary=x", Origin: ORIGIN } },
        400,
      ],
    ];
    for (const [path, init, status] of cases) {
      const response = await page(t, path, init);
      expect(response.status, `${init.method ?? "GET"} ${path}`).toBe(status);
      expect(response.headers.get("Content-Type"), path).toContain("text/html");
      expect(response.headers.get("Cache-Control")).toBe("no-store");
    }
    expect((await page(t, "/dashboard", { method: "DELETE" })).headers.get("Allow")).toBe("GET");
  });
});

describe("hit ratio over time", () => {
  it("sums minutes into aligned buckets, and reads a settled minute from Redis only once", async () => {
    const { control, token } = await gatewayScope();
    const runner = redisRunner(token);
    const tenant = uniqueTenant();
    const now = Date.UTC(2026, 10, 20, 12, 7, 30);
    const minute = (at: number) => Math.floor(at / 60_000);
    // Two minutes in the 12:00 bucket, one in 11:45 and the current minute.
    const written: [number, Record<string, string>][] = [
      [minute(now) - 3, { l1Hits: "6", misses: "2" }],
      [minute(now) - 7, { l2Hits: "1", staleServed: "1" }],
      [minute(now) - 9, { misses: "4" }],
      [minute(now), { l1Hits: "1" }],
    ];
    await runner.run(written.map(([at, fields]) => ({ op: "hset", key: statsMinuteRedisKey(tenant, at), fields })));
    const settled = new SettledMinutes();
    const options = { minutes: 1440, bucketMinutes: 15, now, settled, settleAfterMs: 300_000 };
    await control.resetCounters();
    const first = await readHitRatioSeries(runner, tenant, options);
    const firstReads = (await control.counters()).commands.byName.hgetall ?? 0;
    expect(firstReads).toBe(1440);
    expect(first.to - first.from).toBe(1440 * 60_000);
    const byStart = new Map(first.buckets.map((bucket) => [bucket.at, bucket]));
    expect(byStart.get(Date.UTC(2026, 10, 20, 12, 0))).toMatchObject({
      minutes: 8,
      counters: { l1Hits: 7, l2Hits: 1, staleServed: 1, misses: 2 },
      hitRatio: 9 / 11,
    });
    expect(byStart.get(Date.UTC(2026, 10, 20, 11, 45))).toMatchObject({ counters: { misses: 4 }, hitRatio: 0 });
    expect(byStart.get(Date.UTC(2026, 10, 20, 11, 30))?.hitRatio).toBeNull();
    expect(first.buckets.reduce((sum, bucket) => sum + bucket.minutes, 0)).toBe(1440);

    await control.resetCounters();
    const again = await readHitRatioSeries(runner, tenant, { ...options, now: now + 60_000 });
    // Only the minutes that could still change (the last five and the new one) are read again.
    expect((await control.counters()).commands.byName.hgetall).toBe(7);
    expect(again.buckets.find((bucket) => bucket.at === Date.UTC(2026, 10, 20, 12, 0))?.counters).toMatchObject(
      byStart.get(Date.UTC(2026, 10, 20, 12, 0))?.counters ?? {},
    );
    await runner.run([{ op: "del", keys: written.map(([at]) => statsMinuteRedisKey(tenant, at)) }]);
  });
});
