import { describe, expect, it } from "vitest";
import type { GatewayFaults } from "../helpers/worker/gateway-control";
import { cachePath, gatewayScope, sleep, testApp } from "../helpers/worker/test-env";

const L2_TIMEOUT_MS = 300;
const put = (body: string) => ({ method: "PUT", body, headers: { "Content-Type": "text/plain" } });

// Each fault as the gateway produces it; "slow" is slower than the L2 deadline.
const faults: Record<string, Partial<GatewayFaults>> = {
  refuse: { refuse: true },
  hang: { hang: true },
  "5xx": { errorRate: 1, errorStatus: 503 },
  slow: { latencyMs: 2000 },
  garbage: { garbage: true },
};

async function faultyApp() {
  const { control, token } = await gatewayScope();
  const app = await testApp({
    vars: {
      UPSTASH_REDIS_REST_TOKEN: token,
      L2_TIMEOUT_MS: String(L2_TIMEOUT_MS),
      // Every read revalidates, so a fault is felt by the very next request.
      L1_MAX_TTL_SECONDS: "0",
      CIRCUIT_FAILURE_THRESHOLD: "2",
      CIRCUIT_COOLDOWN_MS: "300",
      STATS_FLUSH_INTERVAL_MS: "3600000",
    },
  });
  return { app, control, alice: app.tenants[0]! };
}

async function timed(work: () => Promise<Response>): Promise<{ res: Response; ms: number }> {
  const started = performance.now();
  const res = await work();
  await res.arrayBuffer().catch(() => undefined);
  return { res, ms: performance.now() - started };
}

describe.each(Object.entries(faults))("when the gateway faults with %s", (_name, fault) => {
  it("serves memory-resident keys as STALE within the deadline, degrades, opens and closes the circuit", async () => {
    const { app, control, alice } = await faultyApp();
    await app.as(alice, cachePath("resident"), put("still here"));
    await control.setFaults(fault);
    try {
      for (let i = 0; i < 4; i++) {
        const { res, ms } = await timed(() => app.as(alice, cachePath("resident")));
        expect(res.status).toBe(200);
        expect(res.headers.get("X-Cache")).toBe("STALE");
        expect(ms).toBeLessThan(L2_TIMEOUT_MS + 50);
      }
      const health = await app.request("/health");
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: "degraded", store: "redis", redis: { reachable: false, circuit: "open" } });

      // With the circuit open nothing waits on Redis: a write lands in memory only, and says so.
      await control.resetCounters();
      const write = await app.as(alice, cachePath("during"), put("memory only"));
      expect(write.status).toBe(202);
      expect(await write.json()).toMatchObject({ stored: "memory" });
      expect((await control.counters()).requests.total).toBe(0);
      expect((await app.as(alice, cachePath("never-seen"))).status).toBe(503);
    } finally {
      await control.clearFaults();
    }
    await sleep(350);
    const healed = await app.request("/health");
    expect(await healed.json()).toMatchObject({ status: "ok", redis: { reachable: true, circuit: "closed" } });
    const fresh = await app.as(alice, cachePath("resident"));
    expect(fresh.headers.get("X-Cache")).toBe("HIT-L2");
  });
});

describe("when Redis fails", () => {
  it("answers 503 with Retry-After for a delete it cannot apply, and keeps nothing stale of it", async () => {
    const { app, control, alice } = await faultyApp();
    await app.as(alice, cachePath("k"), put("v"));
    await control.setFaults({ refuse: true });
    try {
      const res = await app.as(alice, cachePath("k"), { method: "DELETE" });
      expect(res.status).toBe(503);
      expect(res.headers.get("Retry-After")).toBe("1");
      expect(await res.json()).toMatchObject({ error: { code: "store_unavailable" } });
    } finally {
      await control.clearFaults();
    }
  });

  it("reports down when Redis fails and memory holds nothing", async () => {
    const { app, control } = await faultyApp();
    await control.setFaults({ errorRate: 1, errorStatus: 500 });
    try {
      const res = await app.request("/health");
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: "down" });
    } finally {
      await control.clearFaults();
    }
  });
});
