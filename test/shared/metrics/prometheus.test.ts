import { describe, expect, it } from "vitest";
import { IsolateMetrics } from "../../../shared/metrics/isolate-metrics";
import { renderPrometheus } from "../../../shared/metrics/prometheus";
import { StatsBuffer } from "../../../shared/stats/stats-buffer";
import { uniqueTenant } from "../../helpers/worker/test-env";

describe("the Prometheus rendering of dropped stats", () => {
  it("exposes the counter updates this isolate's stats buffer dropped", () => {
    const isolate = new IsolateMetrics();
    const stats = new StatsBuffer({ maxTenants: 1, onDropped: (updates) => isolate.countDroppedStats(updates) });
    stats.add(uniqueTenant(), "sets");
    stats.add(uniqueTenant(), "sets");
    stats.add(uniqueTenant(), "bytesIn", 100);
    const text = renderPrometheus({ tenants: undefined, isolate, l1: { entries: 0, bytes: 0, budgetBytes: 1 }, circuit: "closed" });
    expect(text).toContain("# TYPE edge_cache_stats_dropped_updates_total counter\nedge_cache_stats_dropped_updates_total 2\n");
  });
});
