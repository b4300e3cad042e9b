import { randomUUID } from "node:crypto";
import { copyFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type TenantId, toTenantId } from "../../shared/cache/keys.ts";
import { statsRedisKey } from "../../shared/redis/key-layout.ts";
import { launchChromium } from "../helpers/node/chromium.ts";
import { seedHourOfReads } from "./seed-history.ts";
import { type DashboardWorker, serveDashboardWorker } from "./served-worker.ts";

const root = resolve(import.meta.dirname, "../..");
const SCREENSHOT = join(root, "test-results/dashboard.png");

let browser: Browser;
let worker: DashboardWorker;
let redis: Redis;

beforeAll(async () => {
  // Chromium first: without it the test fails at once, saying what to install.
  browser = await launchChromium();
  worker = await serveDashboardWorker({
    repoRoot: root,
    redis: { url: inject("gatewayUrl"), token: inject("gatewayToken") },
    vars: { STATS_FLUSH_INTERVAL_MS: "100", ALLOW_PRIVATE_ORIGINS: "true", LOG_LEVEL: "warn" },
  });
  redis = new Redis(inject("redisUrl"));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await worker?.dispose();
  redis?.disconnect();
});

async function api(path: string, token: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return fetch(`${worker.url}${path}`, { ...init, headers });
}

async function json<T>(response: Response, status: number): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  return JSON.parse(text) as T;
}

const PLAN = "/v1/warm/plans/catalogue";

interface Stats {
  counters: Record<string, number>;
  hitRatio: number | null;
  complete: boolean;
}

interface TrafficOptions {
  /** Also create a warm plan and run it once; the caller deletes it. */
  warmRun?: boolean;
}

/** A tenant with a manage token, some reads, writes and misses, an hour of history, and maybe a warm run. */
async function tenantWithTraffic(options: TrafficOptions = {}): Promise<{ tenant: TenantId; token: string; stats: Stats }> {
  const tenant = toTenantId(`dash-${randomUUID().slice(0, 8)}`);
  const origin = new URL(inject("originUrl"));
  const post = (body: unknown): RequestInit => ({
    method: "POST",
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json" },
  });
  await json(
    await api("/admin/tenants", worker.adminToken, post({ id: tenant, name: "Acme storefront", originHosts: [origin.host] })),
    201,
  );
  const { token } = await json<{ token: string }>(
    await api(`/admin/tenants/${tenant}/tokens`, worker.adminToken, post({ scopes: ["read", "write", "manage"], name: "ops" })),
    201,
  );
  const reads: Record<string, number> = { home: 12, "products/42": 9, "products/7": 7, "nav/menu": 5, "i18n/fr": 3, "banner:spring": 2 };
  for (const [key, times] of Object.entries(reads)) {
    const stored = await api(`/v1/cache/${encodeURIComponent(key)}?ttl=600`, token, { method: "PUT", body: `value of ${key}` });
    expect(stored.status).toBe(201);
    for (let i = 0; i < times; i++) expect((await api(`/v1/cache/${encodeURIComponent(key)}`, token)).status).toBe(200);
  }
  for (const key of ["gone/1", "gone/2", "gone/3"]) expect((await api(`/v1/cache/${encodeURIComponent(key)}`, token)).status).toBe(404);

  if (options.warmRun) {
    // Hourly: of the crons the worker tests fire at this shared Redis, the one they fire least.
    const plan = {
      schedule: "1h",
      targets: [{ urlTemplate: `${origin.origin}/dash-${tenant}/{key}`, keys: ["home", "products/42", "nav/menu"] }],
    };
    const put: RequestInit = { method: "PUT", body: JSON.stringify(plan), headers: { "Content-Type": "application/json" } };
    await json(await api(PLAN, token, put), 201);
    await json(await api(`${PLAN}/run`, token, { method: "POST" }), 200);
  }

  await seedHourOfReads(redis, tenant, Date.now());
  return { tenant, token, stats: await settledStats(tenant, token) };
}

/**
 * GET /v1/stats once the worker has flushed everything it counted (its totals then equal the
 * tenant's hash in Redis), so the chart and the top keys hold this test's traffic. Each request
 * lets a due flush run after it; nothing else counts meanwhile.
 */
async function settledStats(tenant: TenantId, token: string): Promise<Stats> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const stats = await json<Stats>(await api("/v1/stats", token), 200);
    const flushed = await redis.hgetall(statsRedisKey(tenant));
    if (Object.entries(stats.counters).every(([name, value]) => Number(flushed[name] ?? 0) === value)) return stats;
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error("the worker never flushed its counters to Redis");
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.goto(`${worker.url}/dashboard`);
  expect(await page.locator('form[action="/dashboard/session"]').count()).toBe(1);
  await page.fill("#token", token);
  await page.click('button[type="submit"]');
  await page.waitForSelector("main[data-tenant], [data-panel='tenant-picker']");
}

async function shownCounters(page: Page): Promise<Record<string, { value: string; text: string }>> {
  const cells = await page.$$eval("[data-counter]", (elements) =>
    elements.map((element) => [
      (element as HTMLElement).dataset.counter ?? "",
      { value: (element as HTMLElement).dataset.value ?? "", text: element.firstChild?.textContent ?? "" },
    ]),
  );
  return Object.fromEntries(cells);
}

describe("the dashboard in Chromium", () => {
  it("signs in with a manage token and shows exactly what GET /v1/stats reports, then signs out", { timeout: 120_000 }, async () => {
    const { tenant, token, stats } = await tenantWithTraffic({ warmRun: true });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: "light" });
    try {
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error") consoleErrors.push(message.text());
      });
      await signIn(page, token);
      expect(await page.getAttribute("main", "data-tenant")).toBe(tenant);

      const [cookie] = (await context.cookies(`${worker.url}/dashboard`)).filter((c) => c.name === "ec_dashboard");
      expect(cookie).toMatchObject({ path: "/dashboard", httpOnly: true, sameSite: "Strict", secure: false });
      expect(await page.evaluate(() => document.cookie)).toBe("");

      // The page and the API, read after it, agree on every counter.
      const shown = await shownCounters(page);
      const now = await json<Stats>(await api("/v1/stats", token), 200);
      expect(now.counters).toEqual(stats.counters);
      expect(stats.counters.l1Hits).toBeGreaterThan(0);
      for (const [name, value] of Object.entries(now.counters)) {
        if (!shown[name]) continue;
        expect(shown[name].value, name).toBe(String(value));
        expect(shown[name].text.replaceAll(",", ""), name).toBe(String(value));
      }
      expect(Object.keys(shown).sort()).toEqual([...Object.keys(now.counters), "hitRatio"].sort());
      expect(shown.hitRatio?.value).toBe(String(now.hitRatio));
      expect(shown.hitRatio?.text).toBe(`${((now.hitRatio ?? 0) * 100).toFixed(1)}%`);

      const topKey = page.locator('[data-panel="top-keys"] tbody tr').first();
      expect(await topKey.locator("td.key").textContent()).toBe("home");
      expect(await topKey.locator("td.num").textContent()).toBe("12");
      expect(await page.locator('[data-panel="warm"] tr[data-run-outcome="ok"]').count()).toBe(1);
      expect(await page.getAttribute('[data-panel="hit-ratio"] path.ratio', "d")).toMatch(/^M[\d.]+ [\d.]+(L[\d.]+ [\d.]+){50,}/);
      expect(await page.getAttribute('[data-panel="health"] [data-health]', "data-health")).toBe("ok");

      // The stylesheet applied under the CSP (its nonce matched), and nothing was refused.
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(244, 245, 247)");
      expect(consoleErrors).toEqual([]);

      mkdirSync(join(root, "test-results"), { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
      if (process.env.UPDATE_SCREENSHOT === "1") copyFileSync(SCREENSHOT, join(root, "docs/dashboard.png"));

      await page.click("text=Sign out");
      await page.waitForSelector('form[action="/dashboard/session"]');
      expect((await context.cookies(`${worker.url}/dashboard`)).filter((c) => c.name === "ec_dashboard")).toEqual([]);
    } finally {
      await context.close();
      // A plan left behind would be due in the cron runs of worker tests sharing this Redis.
      await api(PLAN, token, { method: "DELETE" });
    }
  });

  it("lets the admin token choose a tenant, and refuses a read-only token", { timeout: 60_000 }, async () => {
    const { tenant, stats } = await tenantWithTraffic();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page, worker.adminToken);
      await page.selectOption('[data-panel="tenant-picker"] select', tenant);
      await page.click('[data-panel="tenant-picker"] button');
      await page.waitForSelector(`main[data-tenant="${tenant}"]`);
      expect(await page.getAttribute('[data-counter="l1Hits"]', "data-value")).toBe(String(stats.counters.l1Hits));
      expect(await page.content()).not.toContain(worker.adminToken);
      await page.click("text=Sign out");
      await page.waitForSelector('form[action="/dashboard/session"]');

      const readOnly = await json<{ token: string }>(
        await api(`/admin/tenants/${tenant}/tokens`, worker.adminToken, {
          method: "POST",
          body: JSON.stringify({ scopes: ["read"] }),
          headers: { "Content-Type": "application/json" },
        }),
        201,
      );
      await page.fill("#token", readOnly.token);
      await page.click('button[type="submit"]');
      await page.waitForSelector("p.error");
      expect(await page.textContent("p.error")).toContain("lacks the manage scope");
      expect((await context.cookies(`${worker.url}/dashboard`)).filter((c) => c.name === "ec_dashboard")).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
