import { Hono } from "hono";
import { addCounters, emptyCounters, hitRatio } from "../shared/stats/counters";
import { readFlushedCounters } from "../shared/stats/stats-reader";
import type { AppEnv } from "./app-env";
import { methodNotAllowed } from "./http/method-not-allowed";
import { requireScope } from "./middleware/require-scope";

/**
 * GET /v1/stats: the calling tenant's counters summed over every isolate (what they flushed to
 * Redis, plus what this isolate has not flushed yet), and its share of this isolate's L1.
 * `complete: false` means Redis could not be read and only this isolate's counts are shown.
 */
export const stats = new Hono<AppEnv>()
  .get("/", requireScope("manage"), async (c) => {
    const { redis, stats: buffer, store, config } = c.get("services");
    const tenant = c.get("tenant");
    const counters = emptyCounters();
    let complete = true;
    if (redis) {
      // services.redis fails fast while the circuit is open.
      const flushed = await readFlushedCounters(redis, tenant).catch(() => undefined);
      if (flushed) addCounters(counters, flushed);
      else complete = false;
    }
    addCounters(counters, buffer.unflushed(tenant));
    return c.json({
      tenant,
      complete,
      counters,
      hitRatio: hitRatio(counters),
      l1: { ...store.l1.tenantUsage(tenant), isolateBudgetBytes: config.L1_BUDGET_BYTES },
    });
  })
  .all("/", methodNotAllowed("GET"));
