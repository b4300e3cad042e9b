import { servicesFor } from "../shared/services";

/**
 * Cron entry point. Cron runs in an isolate that serves no traffic, so it works on Redis (L2)
 * only. For now it flushes this isolate's counters; warm plans hook in here.
 */
export async function runScheduled(controller: ScheduledController, env: Env, ctx: ExecutionContext): Promise<void> {
  const result = await servicesFor(env);
  if (!result.ok) {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "scheduled run skipped: invalid configuration",
        cron: controller.cron,
        problems: result.problems,
      }),
    );
    return;
  }
  const { stats, redis } = result.services;
  if (redis) ctx.waitUntil(stats.flush(redis));
  console.log(JSON.stringify({ level: "info", msg: "scheduled run", cron: controller.cron, scheduledTime: controller.scheduledTime }));
}
