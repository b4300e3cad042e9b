import { describe, expect, it } from "vitest";
import { statsRedisKey } from "../../shared/redis/key-layout";
import { cachePath, gatewayScope, redisRunner, sleep, type TestApp, type TestTenant, testApp } from "../helpers/worker/test-env";
import { ORIGIN_URL, originPrefix, setOrigin, warmHarness } from "../shared/warm/warm-kit";

// One Redis budget per request (shared/redis/request-budget.ts): however many Redis calls a
// request makes in a row, it waits on Redis for L2_TIMEOUT_MS in all, not once per call.
const L2_TIMEOUT_MS = 300;
const DEADLINE_MS = L2_TIMEOUT_MS + 50;
const put = (body: string) => ({ method: "PUT", body, headers: { "Content-Type": "text/plain" } });

async function budgetApp(vars: Record<string, string> = {}, record: Record<string, unknown> = {}) {
  const { control, token } = await gatewayScope();
  const app = await testApp({
    tenants: 1,
    tenant: { record },
    vars: {
      UPSTASH_REDIS_REST_TOKEN: token,
      L2_TIMEOUT_MS: String(L2_TIMEOUT_MS),
      // Every read asks Redis, so a fault is felt by the very next request.
      L1_MAX_TTL_SECONDS: "0",
      // The circuit stays closed: each request meets the fault itself.
      CIRCUIT_FAILURE_THRESHOLD: "1000",
      STATS_FLUSH_INTERVAL_MS: "3600000",
      ...vars,
    },
  });
  return { app, control, alice: app.tenants[0]! };
}

/**
 * Loads the scripts a PUT runs into Redis' script cache (and flushes what it counted), so a slow
 * call is not followed by a NOSCRIPT retry: each request then makes exactly the calls it names.
 */
async function warmScripts(app: TestApp, tenant: TestTenant): Promise<void> {
  expect((await app.as(tenant, cachePath("warm-up"), put("v"))).status).toBe(201);
  await redisRunner(app.env.UPSTASH_REDIS_REST_TOKEN).run([{ op: "del", keys: [statsRedisKey(tenant.tenant)] }]);
}

async function timed(work: () => Promise<Response>): Promise<{ res: Response; ms: number }> {
  const started = performance.now();
  const res = await work();
  await res.arrayBuffer().catch(() => undefined);
  return { res, ms: performance.now() - started };
}

/**
 * With the gateway hanging: a key the isolate holds is served STALE and a key it does not hold
 * answers 503 (as documented), each within `withinMs`.
 */
async function expectAnswersWhileHanging({ app, control, alice }: Awaited<ReturnType<typeof budgetApp>>, withinMs: number) {
  expect((await app.as(alice, cachePath("resident"), put("kept"))).status).toBe(201);
  await control.setFaults({ hang: true });
  try {
    const resident = await timed(() => app.as(alice, cachePath("resident")));
    expect(resident.res.status).toBe(200);
    expect(resident.res.headers.get("X-Cache")).toBe("STALE");
    expect(resident.ms).toBeLessThan(withinMs);
    const missing = await timed(() => app.as(alice, cachePath("never-written")));
    expect(missing.res.status).toBe(503);
    expect(missing.ms).toBeLessThan(withinMs);
  } finally {
    await control.clearFaults();
  }
}

describe("one Redis budget per request, with the gateway hanging and the circuit closed", () => {
  it("answers a GET whose token must be re-verified from the L1 copy within the budget, not twice it", async () => {
    // Every request re-verifies its token.
    await expectAnswersWhileHanging(await budgetApp({ TOKEN_CACHE_SECONDS: "0" }), DEADLINE_MS);
  });

  it("answers a rate-limited tenant's GET after the rate-limit check's own timeout, not that plus the store's", async () => {
    const limited = await budgetApp({}, { limits: { rateLimit: { requests: 1000, windowSeconds: 60 } } });
    // RATE_LIMIT_TIMEOUT_MS (100) and nothing more: the failed check spent the request's budget.
    await expectAnswersWhileHanging(limited, 100 + 100);
  });
});

describe("one Redis budget per request, with every Redis call just under the deadline", () => {
  it("answers a PUT whose token must be re-verified within the budget, in memory only", async () => {
    const { app, control, alice } = await budgetApp({ TOKEN_CACHE_SECONDS: "0" });
    await warmScripts(app, alice);
    await control.setFaults({ latencyMs: 200 });
    try {
      const { res, ms } = await timed(() => app.as(alice, cachePath("slow"), put("v")));
      expect(ms).toBeLessThan(DEADLINE_MS);
      // 200 ms to verify the token left 100 ms for the write: not enough, so it is not confirmed.
      expect(res.status).toBe(202);
      // The write cut short by the budget is not held against Redis: the circuit stays closed.
      const health = await app.request("/health");
      expect(await health.json()).toMatchObject({ redis: { circuit: "closed" } });
    } finally {
      await control.clearFaults();
    }
  });
});

describe("an entry read enters the budget only when the L1 cannot answer, and then shares it", () => {
  it("reads Redis with what the token's re-verification left: the read is cut, not given its own deadline", async () => {
    const { app, control, alice } = await budgetApp({ TOKEN_CACHE_SECONDS: "0" });
    await warmScripts(app, alice);
    // Written by another isolate: this one holds no copy, so its GET must read Redis.
    expect((await app.otherIsolate().as(alice, cachePath("elsewhere"), put("v"))).status).toBe(201);
    await control.setFaults({ latencyMs: 200 });
    try {
      // 200 ms to verify the token left 100 ms for the read: with a deadline of its own it would
      // have answered 200; inside the shared budget it is cut, and with no copy that is a 503.
      const res = await app.as(alice, cachePath("elsewhere"));
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: { code: "store_unavailable" } });
    } finally {
      await control.clearFaults();
    }
    const after = await app.as(alice, cachePath("elsewhere"));
    expect(after.status).toBe(200);
    expect(after.headers.get("X-Cache")).toBe("HIT-L2");
  });
});

describe("work after the response keeps its own deadlines", () => {
  it("flushes stats with the full per-call timeout after a request that spent its budget", async () => {
    const { app, control, alice } = await budgetApp({ TOKEN_CACHE_SECONDS: "0", STATS_FLUSH_INTERVAL_MS: "1" });
    await warmScripts(app, alice);
    await control.setFaults({ latencyMs: 200 });
    try {
      // Token (200 ms) + write (cut at 100 ms): the flush that follows is started by this request.
      const res = await app.as(alice, cachePath("counted"), put("v"));
      expect(res.status).toBe(202);
    } finally {
      await control.clearFaults();
    }
    // The harness awaited the request's waitUntil work: the flush has landed.
    const [reply] = await redisRunner(app.env.UPSTASH_REDIS_REST_TOKEN).run([
      { op: "hget", key: statsRedisKey(alice.tenant), field: "sets" },
    ]);
    expect(reply).toEqual({ ok: true, value: "1" });
  });
});

describe("a stale hit's refresh from its origin keeps its own deadlines", () => {
  it("refreshes Redis behind a response whose token re-verification spent most of the budget", async () => {
    const prefix = originPrefix();
    await setOrigin(prefix, { body: "v1" });
    const warm = await warmHarness({
      // The L1 copy answers without asking Redis; every request re-verifies its token.
      vars: { L2_TIMEOUT_MS: String(L2_TIMEOUT_MS), L1_MAX_TTL_SECONDS: "60", TOKEN_CACHE_SECONDS: "0" },
    });
    try {
      const planned = await warm.putPlan("reads", {
        schedule: "1h",
        targets: [{ key: "page", url: `${ORIGIN_URL}${prefix}page`, ttl: 1, swr: 60 }],
      });
      expect(planned.status).toBeLessThan(300);
      expect(await (await warm.as(cachePath("page"))).text()).toBe("v1");
      await setOrigin(prefix, { body: "v2", etag: null });
      await sleep(1100);
      await warm.gateway.setFaults({ latencyMs: 200 });
      try {
        // 200 ms of the budget go to the token; the refresh behind the response (lease, write,
        // release: 200 ms each) would find 100 ms left if it inherited the request's budget.
        const stale = await warm.as(cachePath("page"));
        expect(stale.headers.get("X-Cache")).toBe("STALE");
        expect(await stale.text()).toBe("v1");
      } finally {
        await warm.gateway.clearFaults();
      }
      // A cold isolate reads what the refresh wrote to Redis.
      const fresh = await warm.base.otherIsolate().as(warm.tenant, cachePath("page"));
      expect(fresh.headers.get("X-Cache")).toBe("HIT-L2");
      expect(await fresh.text()).toBe("v2");
    } finally {
      await warm.cleanUp();
    }
  });
});
