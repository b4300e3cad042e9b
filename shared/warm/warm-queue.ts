import { isTenantId, type TenantId } from "../cache/keys";
import { PLAN_NAME_PATTERN } from "./plan-schema";
import type { SubrequestBudget } from "./subrequest-budget";

/**
 * The warm queue carries plan runs from the cron tick that claimed them to consumer invocations,
 * each with a subrequest budget of its own: capacity then grows with the number of plans instead
 * of stopping at one invocation's budget.
 */

/** One plan chunk to run. `at` is the claiming tick's time: the schedule slot is derived from it. */
export interface WarmRun {
  tenant: TenantId;
  plan: string;
  at: number;
}

/** The part of a Queues producer binding the tick uses. */
export interface WarmQueue {
  sendBatch(messages: Iterable<MessageSendRequest<WarmRun>>, options?: QueueSendBatchOptions): Promise<unknown>;
}

// Queues take at most 100 messages and 256 KB per sendBatch.
const MESSAGES_PER_SEND = 100;
const BYTES_PER_SEND = 200 * 1024;

/** A message body as the consumer receives it, or undefined when it is not one of ours. */
export function parseWarmRun(body: unknown): WarmRun | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const { tenant, plan, at } = body as Record<string, unknown>;
  if (typeof tenant !== "string" || !isTenantId(tenant)) return undefined;
  if (typeof plan !== "string" || !PLAN_NAME_PATTERN.test(plan)) return undefined;
  if (typeof at !== "number" || !Number.isSafeInteger(at) || at <= 0) return undefined;
  return { tenant, plan, at };
}

export interface SendOutcome {
  /** How many of the runs, from the first, the queue accepted. */
  sent: number;
  /** Why the rest were not sent: the budget ran out or the queue refused (on Workers Free, its daily allowance spent). */
  stoppedBy?: "budget" | "queue";
}

/** Sends runs in as few calls as the limits allow, each call charged as one subrequest. */
export async function sendWarmRuns(queue: WarmQueue, runs: readonly WarmRun[], budget: SubrequestBudget): Promise<SendOutcome> {
  let sent = 0;
  while (sent < runs.length) {
    const batch: MessageSendRequest<WarmRun>[] = [];
    let bytes = 0;
    for (const run of runs.slice(sent, sent + MESSAGES_PER_SEND)) {
      bytes += JSON.stringify(run).length + 64;
      if (batch.length > 0 && bytes > BYTES_PER_SEND) break;
      batch.push({ body: { tenant: run.tenant, plan: run.plan, at: run.at }, contentType: "json" });
    }
    if (!budget.tryTake(1)) return { sent, stoppedBy: "budget" };
    try {
      await queue.sendBatch(batch);
    } catch {
      return { sent, stoppedBy: "queue" };
    }
    sent += batch.length;
  }
  return { sent };
}
