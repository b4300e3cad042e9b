import { log } from "../shared/log";
import { servicesFor } from "../shared/services";
import { SubrequestBudget } from "../shared/warm/subrequest-budget";
import { tenantOriginLookup } from "../shared/warm/tenant-origin-lookup";
import type { WarmQueue } from "../shared/warm/warm-queue";
import { runWarmTick } from "../shared/warm/warm-tick";

/**
 * Cron entry point. Cron runs in an isolate that serves no traffic, so it works on Redis (L2)
 * only: it hands the due plan runs to the warm queue (or runs them itself without one) and
 * refreshes hot keys, then flushes this isolate's counters. Every trigger does the same work:
 * what is due decides, not which trigger fired, so a missed trigger is caught up by the next one.
 */
export async function runScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const result = servicesFor(env);
  if (!result.ok) {
    log("info", "error", "scheduled run skipped: invalid configuration", { cron: controller.cron, problems: result.problems });
    return;
  }
  const { stats, redis, config, l2 } = result.services;
  if (redis && l2) {
    const { runner } = l2.warm;
    // The stats flush below belongs to this invocation too: one request plus its transport retries.
    const budget = new SubrequestBudget(config.WARM_SUBREQUEST_BUDGET - 1 - config.L2_RETRIES);
    const summary = await runWarmTick({
      // Whatever is due by now, even when this trigger was delivered late.
      at: Math.max(controller.scheduledTime, Date.now()),
      runner,
      l2: l2.warm.store,
      budget,
      originCheckFor: tenantOriginLookup(runner, { allowPrivateHosts: config.ALLOW_PRIVATE_ORIGINS }),
      maxValueBytes: config.MAX_VALUE_BYTES,
      queue: warmQueueOf(env),
      dispatchLimit: config.WARM_DISPATCH_PER_TICK,
    });
    log(config.LOG_LEVEL, "info", "scheduled warm", { cron: controller.cron, scheduledTime: controller.scheduledTime, ...summary });
    ctx.waitUntil(stats.flush(redis));
    return;
  }
  if (redis) ctx.waitUntil(stats.flush(redis));
  log(config.LOG_LEVEL, "info", "scheduled run", { cron: controller.cron, scheduledTime: controller.scheduledTime });
}

/** The producer binding, when this deployment has one (Miniflare setups and some tests do not). */
function warmQueueOf(env: Env): WarmQueue | undefined {
  const queue = (env as { WARM_QUEUE?: unknown }).WARM_QUEUE;
  return typeof queue === "object" && queue !== null && "sendBatch" in queue ? (queue as WarmQueue) : undefined;
}
