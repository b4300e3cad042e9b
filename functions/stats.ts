import { Hono } from "hono";
import { hitRatio } from "../shared/stats/counters";
import { readTenantCounters } from "../shared/stats/tenant-counters";
import type { AppEnv } from "./app-env";
import { limitsOf } from "./http/limits";
import { methodNotAllowed } from "./http/method-not-allowed";
import { requireScope } from "./middleware/require-scope";

/**
 * GET /v1/stats: the calling tenant's counters summed over every isolate (what they flushed to
 * Redis, plus what this isolate has not flushed yet), its L2 storage use against its budget, and
 * its share of this isolate's L1. `complete: false` means Redis could not be read and only this
 * isolate's counts are shown (and the storage use is null). Memory-only, there is no L2 and no
 * budget: both storage figures are null.
 */
export const stats = new Hono<AppEnv>()
  .get("/", requireScope("manage"), async (c) => {
    const { redis, stats: buffer, store, config } = c.get("services");
    const tenant = c.get("tenant");
    // services.redis fails fast while the circuit is open.
    const { counters, complete, storageUsedBytes } = await readTenantCounters(redis, buffer, tenant);
    return c.json({
      tenant,
      complete,
      counters,
      hitRatio: hitRatio(counters),
      storage: { usedBytes: storageUsedBytes ?? null, budgetBytes: redis ? limitsOf(c).storageBytes : null },
      l1: { ...store.l1.tenantUsage(tenant), isolateBudgetBytes: config.L1_BUDGET_BYTES },
    });
  })
  .all("/", methodNotAllowed("GET"));
