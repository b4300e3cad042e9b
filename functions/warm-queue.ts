import { log } from "../shared/log";
import { servicesFor } from "../shared/services";
import { runWarmChunks } from "../shared/warm/chunk-runner";
import { SubrequestBudget } from "../shared/warm/subrequest-budget";
import { parseWarmRun, type WarmRun } from "../shared/warm/warm-queue";
import { oncePerTenant, warmingTenantLookup } from "../shared/warm/warming-tenant";

/**
 * Warm queue consumer: each message is one plan chunk a cron tick claimed. A batch is one
 * invocation with its own subrequest budget, shared fairly between its messages. Every message
 * is acknowledged once handled, whatever the outcome: an unfinished run left its cursor and is
 * due again at once, so the next tick dispatches its next chunk (the due index stays the only
 * dispatcher, which keeps "one dispatch per claim" true). Only a message this invocation could
 * not afford is retried.
 */
export async function consumeWarmQueue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  const result = servicesFor(env);
  if (!result.ok) {
    // Retried, then dead-lettered: kept for the operator rather than dropped.
    log("info", "error", "warm queue batch not run: invalid configuration", { queue: batch.queue, problems: result.problems });
    batch.retryAll();
    return;
  }
  const { stats, redis, config, l2 } = result.services;
  if (!redis || !l2) {
    batch.ackAll();
    return;
  }
  const { runner } = l2.warm;
  const runs: { message: Message<unknown>; run: WarmRun }[] = [];
  for (const message of batch.messages) {
    const run = parseWarmRun(message.body);
    if (run) runs.push({ message, run });
    else {
      log(config.LOG_LEVEL, "warn", "warm queue message dropped: not a plan run", { queue: batch.queue, id: message.id });
      message.ack();
    }
  }
  // The stats flush belongs to this invocation too: one request plus its transport retries.
  const budget = new SubrequestBudget(config.WARM_SUBREQUEST_BUDGET - 1 - config.L2_RETRIES);
  const outcomes = await runWarmChunks(
    runs.map(({ run }) => run),
    {
      runner,
      budget,
      l2: l2.warm.store,
      warmingTenantFor: oncePerTenant(warmingTenantLookup(runner, config)),
    },
  );
  for (const { message, run } of runs) {
    const outcome = outcomes.find((candidate) => candidate.run === run);
    if (outcome?.result === "unaffordable") message.retry();
    else message.ack();
  }
  log(config.LOG_LEVEL, "info", "warm queue batch", {
    queue: batch.queue,
    runs: outcomes.map(({ run, ...outcome }) => ({ tenant: run.tenant, plan: run.plan, ...outcome })),
    subrequests: budget.used,
  });
  ctx.waitUntil(stats.flush(redis));
}
