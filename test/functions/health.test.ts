import { describe, expect, it } from "vitest";
import { testApp } from "../helpers/worker/test-env";

describe("GET /health", () => {
  it("reports ok with Redis reachable and this isolate's L1 usage", async () => {
    const res = await (await testApp()).request("/health");
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = await res.json();
    expect(body).toEqual({
      status: "ok",
      store: "redis",
      redis: { reachable: true, latencyMs: expect.any(Number), circuit: "closed" },
      l1: { entries: expect.any(Number), bytes: expect.any(Number), budgetBytes: 33554432 },
      version: expect.any(String),
    });
  });

  it("says memory when no Redis is configured", async () => {
    const res = await (await testApp({ memoryOnly: true })).request("/health");
    expect(await res.json()).toMatchObject({ status: "ok", store: "memory", redis: null });
  });

  it("needs no token", async () => {
    expect((await (await testApp()).request("/health")).status).toBe(200);
  });
});
