import { describe, expect, it } from "vitest";
import { corsOriginRedisKey } from "../../shared/redis/key-layout";
import { cachePath, redisRunner, type TestApp, testApp, uniqueTenant } from "../helpers/worker/test-env";

const uniqueOrigin = () => `https://${uniqueTenant("o")}.example`;
const preflight = (origin: string): RequestInit => ({
  method: "OPTIONS",
  headers: { Origin: origin, "Access-Control-Request-Method": "GET" },
});
const post = (body: unknown, contentType = "application/json"): RequestInit => ({
  method: "POST",
  body: typeof body === "string" ? body : JSON.stringify(body),
  headers: { "Content-Type": contentType },
});

interface Page {
  index: string;
  cursor: string;
  done: boolean;
  tenants: number;
  tokens?: number;
  plans?: number;
}

/** Calls the route from cursor 0 until it says done; the pages it answered. */
async function reindex(app: TestApp, index: "cors" | "warm"): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | undefined;
  for (;;) {
    const res = await app.admin("/admin/maintenance/reindex", post({ index, ...(cursor ? { cursor } : {}) }));
    expect(res.status).toBe(200);
    const page = (await res.json()) as Page;
    pages.push(page);
    if (page.done) return pages;
    cursor = page.cursor;
  }
}

describe("POST /admin/maintenance/reindex", () => {
  it("rebuilds the CORS index of tenants and tokens created before it existed, page by page until done", async () => {
    const [own, tokenOnly] = [uniqueOrigin(), uniqueOrigin()];
    const app = await testApp({ tenants: 1, tenant: { record: { allowedOrigins: [own] } }, vars: { TOKEN_CACHE_SECONDS: "0" } });
    await app.issueToken(app.tenants[0]!, { scopes: ["read"], allowedOrigins: [tokenOnly] });
    await redisRunner().run([{ op: "del", keys: [own, tokenOnly].map(corsOriginRedisKey) }]);
    expect((await app.request(cachePath("k"), preflight(own))).status).toBe(403);
    const pages = await reindex(app, "cors");
    expect(pages.at(-1)).toMatchObject({ index: "cors", cursor: "0", done: true });
    expect(pages.reduce((sum, page) => sum + page.tenants, 0)).toBeGreaterThanOrEqual(1);
    expect((await app.request(cachePath("k"), preflight(own))).status).toBe(204);
    expect((await app.request(cachePath("k"), preflight(tokenOnly))).status).toBe(204);
  });

  it("rebuilds the warm indexes through the same route", async () => {
    const app = await testApp({ tenants: 0 });
    const pages = await reindex(app, "warm");
    expect(pages.at(-1)).toMatchObject({ index: "warm", cursor: "0", done: true, plans: expect.any(Number) });
  });

  it("rebuilds a memory-only isolate's index in one page", async () => {
    const app = await testApp({ memoryOnly: true, tenants: 1 });
    expect(await reindex(app, "cors")).toEqual([{ index: "cors", cursor: "0", done: true, tenants: 1, tokens: 1 }]);
    expect(await reindex(app, "warm")).toEqual([{ index: "warm", cursor: "0", done: true, tenants: 0, plans: 0 }]);
  });

  it("refuses an unknown index, a cursor that is not one, a body that is not JSON, other methods, and callers without the admin token", async () => {
    const app = await testApp({ tenants: 0 });
    for (const body of [
      { index: "tokens" },
      { index: "cors", cursor: "-1" },
      { index: "cors", cursor: "1; DEL x" },
      { index: "cors", extra: 1 },
      {},
    ]) {
      const res = await app.admin("/admin/maintenance/reindex", post(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: "invalid_body" } });
    }
    expect((await app.admin("/admin/maintenance/reindex", post("{", "application/json"))).status).toBe(400);
    expect((await app.admin("/admin/maintenance/reindex", post({ index: "cors" }, "text/plain"))).status).toBe(415);
    expect((await app.admin("/admin/maintenance/reindex")).status).toBe(405);
    expect((await app.request("/admin/maintenance/reindex", post({ index: "cors" }))).status).toBe(401);
  });
});
