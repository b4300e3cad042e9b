import { describe, expect, it } from "vitest";
import { TENANTS_REDIS_KEY } from "../../shared/redis/key-layout";
import { deleteUntilDone, keysOf, putEntries, QUICK_DELETE_VARS } from "../functions/tenant-delete-kit";
import { cachePath, redisRunner, type TestApp, type TestTenant, testApp, uniqueTenant } from "../helpers/worker/test-env";

const json = (body: unknown): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});

/** A tenant of a chosen id, with a token and a few entries. */
async function tenantNamed(app: TestApp, id: string, entries: number): Promise<TestTenant> {
  const created = await app.admin("/admin/tenants", json({ id }));
  expect(created.status, await created.clone().text()).toBe(201);
  const tenant = await app.issueToken({ tenant: id as TestTenant["tenant"], token: "", tokenId: "" }, { scopes: ["read", "write"] });
  await putEntries(app, tenant, entries);
  return tenant;
}

describe("deleting a tenant touches no other tenant's keys", () => {
  it("leaves every key of a tenant whose id extends the deleted one's (acme, acme2, acme-x)", async () => {
    const app = await testApp({ tenants: 0, vars: QUICK_DELETE_VARS });
    const acme = uniqueTenant("acme");
    const doomed = await tenantNamed(app, acme, 20);
    const neighbours = [
      await tenantNamed(app, `${acme}2`, 20),
      await tenantNamed(app, `${acme}-x`, 5),
      await tenantNamed(app, `${acme}_`, 5),
    ];
    const runner = redisRunner();
    const before = await Promise.all(neighbours.map(({ tenant }) => keysOf(runner, tenant)));
    for (const keys of before) expect(keys.length).toBeGreaterThan(0);

    await deleteUntilDone(app, doomed.tenant, "count=3");
    expect(await keysOf(runner, doomed.tenant)).toEqual([]);

    for (const [i, neighbour] of neighbours.entries()) {
      expect(await keysOf(runner, neighbour.tenant)).toEqual(expect.arrayContaining(before[i] as string[]));
      expect(await (await app.as(neighbour, cachePath("k4"))).text()).toBe("v4");
      expect((await app.admin(`/admin/tenants/${neighbour.tenant}`)).status).toBe(200);
    }
  });

  it("refuses ids with glob characters or a colon before any SCAN, so no pattern can reach past one tenant", async () => {
    const app = await testApp({ tenants: 1, vars: QUICK_DELETE_VARS });
    const alice = app.tenants[0] as TestTenant;
    await putEntries(app, alice, 5);
    const runner = redisRunner();
    const before = await keysOf(runner, alice.tenant);
    const prefix = alice.tenant.slice(0, 4);
    for (const id of [`${prefix}*`, "*", `${prefix}?`, `${prefix}[a-z]*`, `${alice.tenant}:e`, `${prefix}%2A`, "%2A%3A*"]) {
      const res = await app.admin(`/admin/tenants/${encodeURIComponent(id)}`, { method: "DELETE" });
      expect(res.status, id).toBe(404);
      for (const cursor of ["0", "1-0-0"]) {
        expect((await app.admin(`/admin/tenants/${encodeURIComponent(id)}?cursor=${cursor}`, { method: "DELETE" })).status).toBe(404);
      }
    }
    expect(await keysOf(runner, alice.tenant)).toEqual(expect.arrayContaining(before));
    const [record] = await runner.run([{ op: "hget", key: TENANTS_REDIS_KEY, field: alice.tenant }]);
    expect(record?.ok && typeof record.value).toBe("string");
    expect(await (await app.as(alice, cachePath("k3"))).text()).toBe("v3");
  });
});
