import { expect } from "vitest";
import type { RedisRunner } from "../../shared/redis/redis-client";
import type { TenantDeletionPage } from "../../shared/tenants/tenant-deletion";
import { sleep, type TestApp, type TestTenant } from "../helpers/worker/test-env";

/** Shared by the tenant deletion tests: the delete driven to done, and what Redis holds of a tenant. */

/** Quick quiet periods: no cached verifications (TOKEN_CACHE_SECONDS 0), the test app's short Redis deadline. */
export const QUICK_DELETE_VARS = { TOKEN_CACHE_SECONDS: "0" };

/** DELETE /admin/tenants/{id} until done, as the admin CLI drives it; every page answered 200. */
export async function deleteUntilDone(app: Pick<TestApp, "admin">, tenant: string, query = ""): Promise<TenantDeletionPage[]> {
  const pages: TenantDeletionPage[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 10_000; i++) {
    const params = new URLSearchParams(query);
    if (cursor !== undefined) params.set("cursor", cursor);
    const search = params.toString() === "" ? "" : `?${params}`;
    const res = await app.admin(`/admin/tenants/${tenant}${search}`, { method: "DELETE" });
    expect(res.status, await res.clone().text()).toBe(200);
    const page = (await res.json()) as TenantDeletionPage;
    pages.push(page);
    if (page.done) return pages;
    if (page.retryAfterMs) await sleep(page.retryAfterMs);
    cursor = page.cursor;
  }
  throw new Error(`the purge of ${tenant} never ended`);
}

/** Every Redis key in the tenant's own space (`ec:<tenant>:*`), walked with SCAN to the end. */
export async function keysOf(runner: RedisRunner, tenant: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [reply] = await runner.run([{ op: "scan", cursor, match: `ec:${tenant}:*`, count: 1000 }]);
    if (!reply?.ok || !Array.isArray(reply.value)) throw new Error("test scan failed");
    const [next, found] = reply.value as [unknown, unknown[]];
    keys.push(...found.map(String));
    cursor = String(next);
  } while (cursor !== "0");
  return keys.sort();
}

/** Runs one Redis command on one key that the runner has no op for (test setup and inspection only). */
export async function redisCall(runner: RedisRunner, command: string, key: string, ...args: string[]): Promise<unknown> {
  const [reply] = await runner.run([
    { op: "eval", script: "return redis.call(ARGV[1], KEYS[1], unpack(ARGV, 2))", keys: [key], args: [command, ...args] },
  ]);
  if (!reply?.ok) throw new Error(`test ${command} failed: ${reply?.error}`);
  return reply.value;
}

/** Writes `count` entries for the tenant through the batch API, 100 at a time. */
export async function putEntries(app: Pick<TestApp, "as">, tenant: TestTenant, count: number, prefix = "k"): Promise<void> {
  for (let from = 0; from < count; from += 100) {
    const set = Array.from({ length: Math.min(100, count - from) }, (_, i) => ({ key: `${prefix}${from + i}`, value: `v${from + i}` }));
    const res = await app.as(tenant, "/v1/batch", {
      method: "POST",
      body: JSON.stringify({ set }),
      headers: { "Content-Type": "application/json" },
    });
    expect(res.status).toBe(200);
  }
}
