import { describe, expect, it } from "vitest";
import { cachePath, gatewayScope, sleep, testApp } from "../helpers/worker/test-env";

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
      migration: null,
      off: [],
      version: expect.any(String),
    });
  });

  it("says memory when no Redis is configured, and lists what is off without it", async () => {
    const res = await (await testApp({ memoryOnly: true })).request("/health");
    const body = (await res.json()) as { off: string[] };
    expect(body).toMatchObject({ status: "ok", store: "memory", redis: null });
    expect(body.off).toEqual(expect.arrayContaining([expect.stringMatching(/^warm plans/), expect.stringMatching(/^export/)]));
  });

  it("needs no token", async () => {
    expect((await (await testApp()).request("/health")).status).toBe(200);
  });

  it("asks Redis at most once a second: many checks within a second make one request, a check after it another", async () => {
    const { control, token } = await gatewayScope();
    const app = await testApp({ tenants: 0, vars: { UPSTASH_REDIS_REST_TOKEN: token } });
    await control.resetCounters();
    const checks = await Promise.all(Array.from({ length: 10 }, () => app.request("/health")));
    for (const check of checks) expect(await check.json()).toMatchObject({ status: "ok", redis: { reachable: true, circuit: "closed" } });
    expect((await control.counters()).requests.total).toBe(1);
    await sleep(1000);
    expect((await app.request("/health")).status).toBe(200);
    expect((await control.counters()).requests.total).toBe(2);
  });

  it("never reports ok while the circuit is open, even when the probe it reuses succeeded", async () => {
    const { control, token } = await gatewayScope();
    const app = await testApp({
      tenants: 1,
      vars: { UPSTASH_REDIS_REST_TOKEN: token, CIRCUIT_FAILURE_THRESHOLD: "1", CIRCUIT_COOLDOWN_MS: "60000" },
    });
    expect(await (await app.request("/health")).json()).toMatchObject({ status: "ok" });
    await control.setFaults({ refuse: true });
    try {
      // The token's first verification needs Redis: it fails, and opens the circuit.
      expect((await app.as(app.tenants[0]!, cachePath("k"))).status).toBe(503);
    } finally {
      await control.clearFaults();
    }
    const res = await app.request("/health");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "down", redis: { circuit: "open" } });
  });
});
