import { describe, expect, it } from "vitest";
import { cachePath, testApp } from "../helpers/worker/test-env";

const json = (body: unknown): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});

interface Limits {
  maxValueBytes: number;
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  maxBatchOperations: number;
  maxBatchBodyBytes: number;
  storageBytes: number;
}

describe("GET /admin/limits and /admin/tenants/:id/limits", () => {
  it("answers the deployment's limits for a tenant not created yet", async () => {
    const app = await testApp({ tenants: 0, vars: { MAX_VALUE_BYTES: "4096", DEFAULT_TTL_SECONDS: "120", MAX_BATCH_OPERATIONS: "50" } });
    const res = await app.admin("/admin/limits");
    expect(res.status).toBe(200);
    const limits = (await res.json()) as Limits;
    expect(limits).toMatchObject({ maxValueBytes: 4096, defaultTtlSeconds: 120, maxBatchOperations: 50 });
    // Eight base64 values and their framing, never more than one Redis request carries.
    expect(limits.maxBatchBodyBytes).toBe(Math.ceil((4096 * 4) / 3) * 8 + 64 * 1024);
  });

  it("answers a tenant's own limits capped by the deployment's, and they are what its writes are held to", async () => {
    const app = await testApp({ tenants: 0, vars: { MAX_VALUE_BYTES: "4096" } });
    const tenant = await app.addTenant({ record: { limits: { maxValueBytes: 100_000, defaultTtlSeconds: 60, storageBytes: 5000 } } });
    const limits = (await (await app.admin(`/admin/tenants/${tenant.tenant}/limits`)).json()) as Limits;
    expect(limits).toMatchObject({ maxValueBytes: 4096, defaultTtlSeconds: 60, storageBytes: 5000 });
    const put = (bytes: number) => app.as(tenant, cachePath("k"), { method: "PUT", body: "x".repeat(bytes) });
    expect((await put(limits.maxValueBytes)).status).toBe(201);
    expect((await put(limits.maxValueBytes + 1)).status).toBe(413);
  });

  it("answers 404 for an unknown tenant and 405 for other methods", async () => {
    const app = await testApp({ tenants: 0 });
    expect((await app.admin("/admin/tenants/nobody-here/limits")).status).toBe(404);
    expect((await app.admin("/admin/limits", json({}))).status).toBe(405);
  });
});
