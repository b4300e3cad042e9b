import type { TenantId } from "../shared/cache/keys";
import { log } from "../shared/log";
import { servicesFor } from "../shared/services";
import { RedisTenantRegistry } from "../shared/tenants/redis-registry";
import { tenantOriginCheck } from "../shared/warm/origin-policy";
import { runWarmInvocation } from "../shared/warm/scheduler";
import { budgetedRunner, SubrequestBudget } from "../shared/warm/subrequest-budget";
import { warmRunnerFor } from "../shared/warm/warm-runner";

/**
 * Cron entry point. Cron runs in an isolate that serves no traffic, so it works on Redis (L2)
 * only: it warms the due plans and refreshes hot keys, then flushes this isolate's counters.
 * Each trigger is its own invocation with its own subrequest budget.
 */
export async function runScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const result = servicesFor(env);
  if (!result.ok) {
    log("info", "error", "scheduled run skipped: invalid configuration", { cron: controller.cron, problems: result.problems });
    return;
  }
  const { stats, redis, config } = result.services;
  const runner = warmRunnerFor(config);
  if (redis && runner) {
    // The stats flush below belongs to this invocation too: one request plus its transport retries.
    const budget = new SubrequestBudget(config.WARM_SUBREQUEST_BUDGET - 1 - config.L2_RETRIES);
    // Tenant records (their origin allowlists) are read through the budget too.
    const registry = new RedisTenantRegistry(budgetedRunner(runner, budget));
    const allowPrivateHosts = config.ALLOW_PRIVATE_ORIGINS;
    const summary = await runWarmInvocation({
      cron: controller.cron,
      scheduledTime: controller.scheduledTime,
      runner,
      codec: { compressionThresholdBytes: config.COMPRESSION_THRESHOLD_BYTES },
      budget,
      originCheckFor: async (tenant: TenantId) => tenantOriginCheck(await registry.getTenant(tenant), { allowPrivateHosts }),
      maxValueBytes: config.MAX_VALUE_BYTES,
    });
    log(config.LOG_LEVEL, "info", "scheduled warm", { cron: controller.cron, scheduledTime: controller.scheduledTime, ...summary });
    ctx.waitUntil(stats.flush(redis));
    return;
  }
  if (redis) ctx.waitUntil(stats.flush(redis));
  log(config.LOG_LEVEL, "info", "scheduled run", { cron: controller.cron, scheduledTime: controller.scheduledTime });
}
