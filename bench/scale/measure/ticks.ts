import { setTimeout as sleep } from "node:timers/promises";
import { settle } from "../../http/settle.ts";
import type { QueueCount } from "../stack/consumer-wrapper.ts";
import type { TickLogTap } from "../stack/log-tap.ts";
import type { ScaleStack } from "../stack/scale-stack.ts";
import { QUEUE_TIMING } from "../stack/scale-worker.ts";
import type { CostMeter } from "./cost.ts";
import type { OperationSample } from "./operations.ts";

export interface TickContext {
  stack: ScaleStack;
  meter: CostMeter;
  tap: TickLogTap;
}

export type TickVariant = "inline" | "queue";

/** The trigger measured: the every-minute one, the only one that fires on most minutes. */
export const TICK_CRON = "* * * * *";

/**
 * Ticks until the due work left by seeding (every new plan, possibly) is done: ticks with the queue
 * when there is one (its consumer drains thousands of plans; the inline fallback runs a handful
 * per tick), waiting each time for the consumer to finish. Done when two ticks in a row cost the
 * same and sent nothing: the steady state, where only plans whose slot comes round are due.
 */
export async function drainDueWork(ctx: TickContext, options: { maxTicks: number }): Promise<{ ticks: number; drained: boolean }> {
  const variant: TickVariant = ctx.stack.worker.hasQueue ? "queue" : "inline";
  let previous: OperationSample | undefined;
  for (let tick = 1; tick <= options.maxTicks; tick++) {
    const sample = await measureTick(ctx, variant);
    const idle = (sample.queue?.messages ?? 0) === 0;
    if (idle && previous && previous.requests === sample.requests && previous.commands === sample.commands) {
      return { ticks: tick, drained: true };
    }
    previous = idle ? sample : undefined;
  }
  return { ticks: options.maxTicks, drained: false };
}

/** One cron delivery: what the tick itself cost, and, with a queue, what consuming its messages cost. */
export async function measureTick(ctx: TickContext, variant: TickVariant): Promise<OperationSample> {
  const { stack, meter, tap } = ctx;
  const role = variant === "inline" ? "cron" : "cronQueue";
  const before = variant === "queue" ? await stack.worker.queueCount() : undefined;
  await stack.scopes.consumer.resetCounters();
  tap.take();
  const { value, cost } = await meter.measure([stack.scopes[role]], () => stack.worker.tick(role, TICK_CRON, Date.now()));
  const sample: OperationSample = { status: value.outcome, ms: value.ms, ...cost };
  const tickLog = tap.take().at(-1);
  if (tickLog) sample.tickLog = tickLog;
  if (before) {
    const after = await waitForQueueQuiet(ctx, before);
    const consumer = await stack.scopes.consumer.counters();
    sample.queue = {
      messages: after.messages - before.messages,
      consumerRequests: consumer.requests.total,
      consumerCommands: consumer.commands.total,
      consumerFailedBatches: after.failedBatches - before.failedBatches,
    };
  }
  return sample;
}

/**
 * Waits until the consumer has handled everything the tick sent: nothing arrives within the
 * delivery delay plus the batch timeout (and a margin), or, once something did, no batch is in
 * flight and none has arrived for longer than a batch may wait to fill.
 */
async function waitForQueueQuiet(ctx: TickContext, start: QueueCount): Promise<QueueCount> {
  const { worker, scopes } = ctx.stack;
  const firstDeliveryMs = (QUEUE_TIMING.deliveryDelaySeconds + QUEUE_TIMING.batchTimeoutSeconds) * 1000 + 400;
  const quietMs = QUEUE_TIMING.batchTimeoutSeconds * 1000 + 500;
  const began = performance.now();
  let last = start;
  let changedAt = began;
  while (performance.now() - began < 600_000) {
    await sleep(50);
    const now = await worker.queueCount();
    if (now.deliveries !== last.deliveries || now.inFlight !== last.inFlight) changedAt = performance.now();
    last = now;
    const delivered = now.deliveries !== start.deliveries;
    if (!delivered && performance.now() - began >= firstDeliveryMs) break;
    if (delivered && now.inFlight === 0 && performance.now() - changedAt >= quietMs) break;
  }
  await settle(scopes.consumer, { quietMs: 150, maxMs: 60_000 });
  return last;
}
