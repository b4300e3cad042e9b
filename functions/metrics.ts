import { Hono } from "hono";
import { readMigrationStatus } from "../shared/l2/migration/migration-status";
import { renderMigrationMetrics } from "../shared/metrics/migration-metrics";
import { renderPrometheus } from "../shared/metrics/prometheus";
import type { Counters } from "../shared/stats/counters";
import { readFlushedCountersOf } from "../shared/stats/stats-reader";
import type { AppEnv } from "./app-env";
import { methodNotAllowed } from "./http/method-not-allowed";

/**
 * GET /metrics (admin token): Prometheus text. Per-tenant counters are the all-isolate totals
 * from Redis; latency histograms, L1 and circuit gauges describe the isolate that answered, and
 * reset with it.
 */
export const metrics = new Hono<AppEnv>()
  .get("/", async (c) => {
    const { redis, tenants, store, metrics: isolate, l2 } = c.get("services");
    let perTenant: { tenant: string; counters: Counters }[] | undefined;
    if (redis) {
      const ids = (await tenants.listTenants()).map((tenant) => tenant.id);
      const counters = await readFlushedCountersOf(redis, ids);
      perTenant = ids.map((tenant, i) => ({ tenant, counters: counters[i] as (typeof counters)[number] }));
    }
    let body = renderPrometheus({ tenants: perTenant, isolate, l1: store.l1.usage(), circuit: redis ? store.breaker.state : undefined });
    if (l2?.migration) body += renderMigrationMetrics(await readMigrationStatus(l2.migration));
    return c.text(body, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store" });
  })
  .all("/", methodNotAllowed("GET"));
