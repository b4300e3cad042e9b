import { describe, expect, it } from "vitest";
import { cachePath, testApp } from "../helpers/worker/test-env";

const put = (body: string) => ({ method: "PUT", body, headers: { "Content-Type": "text/plain" } });

describe("DELETE /v1/cache (tenant clear)", () => {
  it("removes every entry of the caller and none of another tenant's", async () => {
    const app = await testApp();
    const [alice, bob] = app.tenants;
    for (const key of ["a", "b/c", "*", "?"]) {
      await app.as(alice!, cachePath(key), put(`alice ${key}`));
      await app.as(bob!, cachePath(key), put(`bob ${key}`));
    }
    expect((await app.as(alice!, "/v1/cache", { method: "DELETE" })).status).toBe(204);
    const cold = app.otherIsolate();
    for (const key of ["a", "b/c", "*", "?"]) {
      expect((await app.as(alice!, cachePath(key))).status).toBe(404);
      expect((await cold.as(alice!, cachePath(key))).status).toBe(404);
      expect(await (await cold.as(bob!, cachePath(key))).text()).toBe(`bob ${key}`);
    }
    expect((await app.as(alice!, cachePath("a"), put("new"))).status).toBe(201);
    expect(await (await cold.as(alice!, cachePath("a"))).text()).toBe("new");
  });

  it("starts the tenant's storage count again from zero", async () => {
    const app = await testApp({ tenants: 1 });
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("a"), put("x".repeat(500)));
    const usedBytes = async () =>
      ((await (await app.as(alice!, "/v1/stats")).json()) as { storage: { usedBytes: number } }).storage.usedBytes;
    expect(await usedBytes()).toBeGreaterThan(500);
    await app.as(alice!, "/v1/cache", { method: "DELETE" });
    expect(await usedBytes()).toBe(0);
    await app.as(alice!, cachePath("b"), put("y"));
    expect(await usedBytes()).toBeGreaterThan(0);
  });
});
