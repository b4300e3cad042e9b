import { describe, expect, it } from "vitest";
import { cachePath, testApp } from "../helpers/worker/test-env";

describe("GET /metrics", () => {
  it("needs the admin token", async () => {
    const app = await testApp({ tenants: 1 });
    expect((await app.request("/metrics")).status).toBe(401);
    expect((await app.as(app.tenants[0]!, "/metrics")).status).toBe(401);
  });

  it("exposes per-tenant totals from Redis and this isolate's latency histograms", async () => {
    const app = await testApp({ tenants: 1, vars: { STATS_FLUSH_INTERVAL_MS: "1" } });
    const alice = app.tenants[0]!;
    await app.as(alice, cachePath("k"), { method: "PUT", body: "v", headers: { "Content-Type": "text/plain" } });
    await app.as(alice, cachePath("k"));
    await app.as(alice, cachePath("missing"));
    const res = await app.admin("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/plain; version=0.0.4");
    const text = await res.text();
    expect(text).toContain(`edge_cache_sets_total{tenant="${alice.tenant}"} 1`);
    expect(text).toContain(`edge_cache_l1_hits_total{tenant="${alice.tenant}"} 1`);
    expect(text).toContain(`edge_cache_misses_total{tenant="${alice.tenant}"} 1`);
    expect(text).toMatch(/edge_cache_read_duration_seconds_count\{cache="HIT-L1"\} 1\n/);
    expect(text).toMatch(/edge_cache_read_duration_seconds_bucket\{cache="MISS",le="\+Inf"\} 1\n/);
    expect(text).toMatch(/edge_cache_redis_request_duration_seconds_count\{outcome="ok"\} [1-9]/);
    expect(text).toContain('edge_cache_redis_circuit_state{state="closed"} 1');
    expect(text).toMatch(/# TYPE edge_cache_l1_bytes gauge\nedge_cache_l1_bytes [1-9]/);
  });
});
