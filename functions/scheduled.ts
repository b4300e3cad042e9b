import { recordTickCommand } from "../shared/diagnostics/tick-record";
import type { Config } from "../shared/env";
import type { L2Backend } from "../shared/l2/backend";
import { runBackfill } from "../shared/l2/migration/backfill";
import { log } from "../shared/log";
import { PiggybackRunner } from "../shared/redis/piggyback-runner";
import type { RedisRunner } from "../shared/redis/redis-client";
import { servicesFor } from "../shared/services";
import { SubrequestBudget } from "../shared/warm/subrequest-budget";
import type { WarmQueue } from "../shared/warm/warm-queue";
import { runWarmTick } from "../shared/warm/warm-tick";
import { warmingTenantLookup } from "../shared/warm/warming-tenant";

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
    // The stats flush below belongs to this invocation too: one request plus its transport retries.
    const budget = new SubrequestBudget(config.WARM_SUBREQUEST_BUDGET - 1 - config.L2_RETRIES);
    // A move's backfill goes first, on half the budget, so warming can never starve it.
    await backfillIfMoving(l2, budget.share(Math.floor(budget.limit / 2)), config);
    // Whatever is due by now, even when this trigger was delivered late.
    const at = Math.max(controller.scheduledTime, Date.now());
    // Which trigger ran and when (GET /admin/diagnostics), carried by the tick's first Redis
    // request (the due index read), so recording it costs no request of its own.
    const tickRecord = recordTickCommand(controller.cron, at);
    const runner = tickRecord ? new PiggybackRunner(l2.warm.runner, tickRecord) : l2.warm.runner;
    const summary = await runWarmTick({
      at,
      runner,
      l2: l2.warm.store,
      budget,
      warmingTenantFor: warmingTenantLookup(runner, config),
      maxValueBytes: config.MAX_VALUE_BYTES,
      queue: warmQueueOf(env),
      dispatchLimit: config.WARM_DISPATCH_PER_TICK,
    });
    const tickRecorded = runner instanceof PiggybackRunner && runner.reply?.ok === true;
    log(config.LOG_LEVEL, "info", "scheduled warm", {
      cron: controller.cron,
      scheduledTime: controller.scheduledTime,
      tickRecorded,
      ...summary,
    });
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

/**
 * While a move between two databases writes to both, each tick copies what the current one holds
 * into the new one with what is left of its subrequest budget, from where the last tick stopped.
 */
async function backfillIfMoving(l2: L2Backend, budget: SubrequestBudget, config: Config): Promise<void> {
  const level = config.LOG_LEVEL;
  const migration = l2.migration;
  if (!migration?.current || (migration.phase !== "dual-write" && migration.phase !== "read-new")) return;
  try {
    const run = await runBackfill(
      {
        current: {
          runner: migration.current.warmRunner,
          store: migration.current.store.through(() => migration.current?.warmRunner as RedisRunner),
        },
        next: { runner: migration.next.warmRunner, store: migration.next.store.through(() => migration.next.warmRunner) },
      },
      { budget, maxRequestBytes: config.L2_MAX_REQUEST_BYTES },
    );
    log(level, "info", "l2 backfill", run.status === "busy" ? { status: "busy" } : { status: "ran", pages: run.pages, ...run.state });
  } catch (error) {
    // The cursor stays where the last saved page left it: the next tick goes on from there.
    log(level, "warn", "l2 backfill stopped", { error: error instanceof Error ? error.name : "error" });
  }
}
