import type { TenantId } from "../cache/keys";
import type { L2Store } from "../cache/l2-store";
import type { RedisRunner } from "../redis/redis-client";
import { MIN_CHUNK_SUBREQUESTS, type PlanRunResult, runPlan } from "./plan-runner";
import { getPlans } from "./plan-store";
import { budgetedRunner, type SubrequestBudget } from "./subrequest-budget";
import type { WarmRun } from "./warm-queue";
import type { WarmingTenantFor } from "./warming-tenant";

export interface ChunkRunContext {
  /** Without transport retries (warm-runner.ts): one `run`, one subrequest. */
  runner: RedisRunner;
  budget: SubrequestBudget;
  /** Entries over the same transport as `runner`, undecorated: each run charges its own budget. */
  l2: L2Store;
  /** A tenant's allowed origins and lifetime policies; a failed lookup fails only that tenant's runs. */
  warmingTenantFor: WarmingTenantFor;
  leaseTtlMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
  backoffMs?: number;
}

export interface ChunkOutcome {
  run: WarmRun;
  /** `missing`: the plan was deleted after it was dispatched. `error`: Redis failed before its lease was taken. */
  result: PlanRunResult["status"] | "missing" | "error";
  finished?: boolean;
  cursor?: number | null;
}

// What one run costs before its chunk: its tenant's record, read once per tenant.
const TENANT_LOOKUP = 1;

/**
 * Runs one chunk of each plan run in one invocation, fairly: round-robin across tenants (each
 * tenant's runs keep their order, which is its own priority order), each chunk given an equal
 * share of what is left of the budget. What one chunk leaves unspent goes to the chunks after it.
 * Runs the budget cannot reach come back `unaffordable`, last in the round-robin order.
 */
export async function runWarmChunks(runs: readonly WarmRun[], ctx: ChunkRunContext): Promise<ChunkOutcome[]> {
  const ordered = roundRobin(runs);
  if (!ctx.budget.canAfford(1 + MIN_CHUNK_SUBREQUESTS)) return ordered.map((run) => ({ run, result: "unaffordable" }));
  let plans: Awaited<ReturnType<typeof getPlans>>;
  try {
    plans = await getPlans(budgetedRunner(ctx.runner, ctx.budget), ordered);
  } catch {
    return ordered.map((run) => ({ run, result: "error" }));
  }
  const outcomes: ChunkOutcome[] = [];
  let left = plans.filter(Boolean).length;
  for (const [i, run] of ordered.entries()) {
    const plan = plans[i];
    if (!plan) {
      outcomes.push({ run, result: "missing" });
      continue;
    }
    const share = Math.max(MIN_CHUNK_SUBREQUESTS + TENANT_LOOKUP, Math.floor(ctx.budget.remaining / left));
    left -= 1;
    if (!ctx.budget.canAfford(MIN_CHUNK_SUBREQUESTS + TENANT_LOOKUP)) {
      outcomes.push({ run, result: "unaffordable" });
      continue;
    }
    const chunk = ctx.budget.share(share);
    const runner = budgetedRunner(ctx.runner, chunk);
    try {
      const warming = await ctx.warmingTenantFor(run.tenant, chunk);
      const result = await runPlan(plan, {
        tenant: run.tenant,
        runner,
        store: ctx.l2.through((transport) => budgetedRunner(transport, chunk)),
        budget: chunk,
        warming,
        trigger: "cron",
        at: run.at,
        ...(ctx.leaseTtlMs ? { leaseTtlMs: ctx.leaseTtlMs } : {}),
        ...(ctx.now ? { now: ctx.now } : {}),
        ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
        ...(ctx.backoffMs !== undefined ? { backoffMs: ctx.backoffMs } : {}),
      });
      outcomes.push(
        result.status === "ran"
          ? { run, result: "ran", finished: result.record.finished, cursor: result.record.cursor }
          : { run, result: result.status },
      );
    } catch {
      outcomes.push({ run, result: "error" });
    }
  }
  return outcomes;
}

/** Tenants in order of first appearance; one run of each per round, each tenant's runs in their order. */
function roundRobin<T extends { tenant: TenantId }>(runs: readonly T[]): T[] {
  const byTenant = new Map<TenantId, T[]>();
  for (const run of runs) {
    const queue = byTenant.get(run.tenant);
    if (queue) queue.push(run);
    else byTenant.set(run.tenant, [run]);
  }
  const queues = [...byTenant.values()];
  const ordered: T[] = [];
  for (let round = 0; ordered.length < runs.length; round++) {
    for (const queue of queues) {
      const run = queue[round];
      if (run) ordered.push(run);
    }
  }
  return ordered;
}
