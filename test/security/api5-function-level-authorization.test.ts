import { describe, expect, it } from "vitest";
import { cachePath, testApp } from "../helpers/worker/test-env";

const json = (body: unknown, method = "POST"): RequestInit => ({
  method,
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});
const put = { method: "PUT", body: "v", headers: { "Content-Type": "text/plain" } };

describe("API5 broken function-level authorization", () => {
  it("keeps tenant tokens, of any scope, out of /admin", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    for (const [path, init] of [
      ["/admin/tenants", {}],
      ["/admin/tenants", json({ id: "intruder" })],
      [`/admin/tenants/${alice.tenant}/tokens`, json({ scopes: ["read", "write", "manage"] })],
      [`/admin/tenants/${alice.tenant}`, json({ status: "active" }, "PATCH")],
      [`/admin/tenants/${alice.tenant}/limits`, {}],
      ["/admin/limits", {}],
    ] as const) {
      const res = await app.as(alice, path, init);
      expect(res.status, `${init.method ?? "GET"} ${path}`).toBe(401);
    }
  });

  it("lets a read-only token read, and nothing else", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    await app.as(alice, cachePath("k"), put);
    const reader = await app.issueToken(alice, { scopes: ["read"] });
    expect((await app.as(reader, cachePath("k"))).status).toBe(200);
    expect((await app.as(reader, "/v1/batch", json({ get: ["k"] }))).status).toBe(200);
    for (const [path, init] of [
      [cachePath("k"), put],
      [cachePath("k"), { method: "DELETE" }],
      ["/v1/batch", json({ set: [{ key: "k", value: "x" }] })],
      ["/v1/batch", json({ get: ["k"], delete: ["k"] })],
      ["/v1/invalidate", json({ tags: ["t"] })],
      ["/v1/cache", { method: "DELETE" }],
      ["/v1/stats", {}],
    ] as const) {
      const res = await app.as(reader, path, init);
      expect(res.status, `${init.method ?? "GET"} ${path}`).toBe(403);
      expect(await res.json()).toMatchObject({ error: { code: "insufficient_scope" } });
    }
    expect(await (await app.as(alice, cachePath("k"))).text()).toBe("v");
  });

  it("needs manage for tenant-wide operations, and read to read", async () => {
    const app = await testApp({ tenants: 1 });
    const alice = app.tenants[0]!;
    const writer = await app.issueToken(alice, { scopes: ["write"] });
    expect((await app.as(writer, cachePath("k"), put)).status).toBe(201);
    expect((await app.as(writer, "/v1/cache", { method: "DELETE" })).status).toBe(403);
    expect((await app.as(writer, "/v1/stats")).status).toBe(403);
    expect((await app.as(writer, cachePath("k"))).status).toBe(403);
    const manager = await app.issueToken(alice, { scopes: ["manage"] });
    expect((await app.as(manager, "/v1/stats")).status).toBe(200);
    expect((await app.as(manager, "/v1/cache", { method: "DELETE" })).status).toBe(204);
  });
});
