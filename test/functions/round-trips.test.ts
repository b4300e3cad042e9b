import { describe, expect, it } from "vitest";
import { cachePath, gatewayScope, testApp } from "../helpers/worker/test-env";

const put = (body: string) => ({ method: "PUT", body, headers: { "Content-Type": "text/plain" } });

/** Round trips counted by the gateway, in a scope of this test's own. */
async function scopedApp() {
  const { control, token } = await gatewayScope();
  const app = await testApp({ vars: { UPSTASH_REDIS_REST_TOKEN: token, STATS_FLUSH_INTERVAL_MS: "3600000" } });
  const requestsDuring = async (work: () => Promise<unknown>) => {
    await control.resetCounters();
    await work();
    return (await control.counters()).requests.total;
  };
  const alice = app.tenants[0]!;
  // Token verifications are cached per isolate, and Redis caches scripts: warm both so only the
  // operation itself is counted (a first EVALSHA after a Redis restart costs a NOSCRIPT retry).
  await app.as(alice, cachePath("warm-up"), put("v"));
  await app.as(alice, cachePath("warm-up"), { method: "DELETE" });
  await app.as(alice, cachePath("warm-up"));
  return { app, alice, requestsDuring };
}

describe("Redis round trips", () => {
  it("verifying a token makes one, then none while it is cached", async () => {
    const { app, alice, requestsDuring } = await scopedApp();
    const cold = app.otherIsolate();
    await app.as(alice, cachePath("k"), put("v"));
    expect(await requestsDuring(() => cold.as(alice, "/v1/cache"))).toBe(1);
    expect(await requestsDuring(() => cold.as(alice, "/v1/cache"))).toBe(0);
  });

  it("an L1 hit makes none", async () => {
    const { app, alice, requestsDuring } = await scopedApp();
    await app.as(alice, cachePath("k"), put("v"));
    expect(await requestsDuring(() => app.as(alice, cachePath("k")))).toBe(0);
  });

  it("a GET that reaches L2 makes one, hit or miss", async () => {
    const { app, alice, requestsDuring } = await scopedApp();
    await app.as(alice, cachePath("k"), put("v"));
    const cold = app.otherIsolate();
    await cold.as(alice, cachePath("warm-up"));
    expect(await requestsDuring(async () => expect((await cold.as(alice, cachePath("k"))).headers.get("X-Cache")).toBe("HIT-L2"))).toBe(1);
    expect(await requestsDuring(() => cold.as(alice, cachePath("absent")))).toBe(1);
  });

  it("a SET makes one", async () => {
    const { app, alice, requestsDuring } = await scopedApp();
    expect(await requestsDuring(() => app.as(alice, cachePath("k"), put("v")))).toBe(1);
  });

  it("a GET past the L1 freshness bound makes one, to revalidate", async () => {
    const { control, token } = await gatewayScope();
    const app = await testApp({ vars: { UPSTASH_REDIS_REST_TOKEN: token, STATS_FLUSH_INTERVAL_MS: "3600000", L1_MAX_TTL_SECONDS: "0" } });
    const [alice] = app.tenants;
    await app.as(alice!, cachePath("k"), put("v"));
    await control.resetCounters();
    const res = await app.as(alice!, cachePath("k"));
    expect(res.headers.get("X-Cache")).toBe("HIT-L2");
    expect(await res.text()).toBe("v");
    expect((await control.counters()).requests.total).toBe(1);
  });
});
