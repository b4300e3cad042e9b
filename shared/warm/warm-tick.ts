import type { TenantId } from "../cache/keys";
import type { L2Store } from "../cache/l2-store";
import type { RedisRunner } from "../redis/redis-client";
import { type ChunkOutcome, runWarmChunks } from "./chunk-runner";
import { claimDuePlans, type DueClaim, readDueHeads, releaseClaims } from "./due-index";
import { MIN_CHUNK_SUBREQUESTS } from "./plan-runner";
import { type RefreshAheadOptions, type RefreshAheadSummary, refreshAhead } from "./refresh-ahead";
import { budgetedRunner, type SubrequestBudget } from "./subrequest-budget";
import { sendWarmRuns, type WarmQueue, type WarmRun } from "./warm-queue";
import { oncePerTenant, type WarmingTenantFor } from "./warming-tenant";

export interface WarmTickOptions {
  /**
   * The tick's time (the trigger's scheduled time, or now if later). Plans due by then are
   * claimed, whichever trigger fired, and each run's schedule slot is the one it falls in.
   */
  at: number;
  /** A runner without transport retries (warm-runner.ts): one `run`, one subrequest. */
  runner: RedisRunner;
  /** Entries over the same transport as `runner`, undecorated: each run charges its own budget. */
  l2: L2Store;
  budget: SubrequestBudget;
  /** A tenant's allowed origins and lifetime policies, from its record; asked once per tenant per invocation. */
  warmingTenantFor: WarmingTenantFor;
  maxValueBytes: number;
  /** Where claimed runs go. Absent, or refusing sends, the tick runs what it claimed itself. */
  queue?: WarmQueue | undefined;
  /** Most plan runs one tick hands to the queue (WARM_DISPATCH_PER_TICK). */
  dispatchLimit: number;
  /** Most runs of one tenant one tick hands out. @default 50 */
  perTenantLimit?: number;
  /** How long a claimed plan is not handed out again: a lost dispatch is retried after it. @default 300000 */
  claimMs?: number;
  refreshAhead?: Omit<RefreshAheadOptions, "maxBytes">;
  /** Tenants whose hot keys one tick looks at, oldest look first. @default 10 */
  refreshTenantsPerTick?: number;
  /** Share of the budget refresh-ahead may spend before plans are claimed. @default 0.25 */
  refreshAheadShare?: number;
  leaseTtlMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface WarmTickSummary {
  /** Tenants read from the head of the due index. */
  dueTenants: number;
  claimed: number;
  /** Runs handed to the queue. */
  sent: number;
  /** Why runs were not all sent (`queue`: the queue refused them). */
  sendStoppedBy?: "budget" | "queue";
  /** Runs this invocation made itself (no queue, or the queue refused). */
  runs: { tenant: TenantId; plan: string; result: ChunkOutcome["result"]; finished?: boolean; cursor?: number | null }[];
  /** Claimed runs given back unrun, for the next tick. */
  released: number;
  refreshAhead?: RefreshAheadSummary;
  subrequests: number;
  /** Set when Redis failed before anything could be claimed. */
  error?: string;
}

// Claim, the plans' read and the release of what was not run: one request each.
const CLAIM = 1;
const PLAN_READ = 1;
const RELEASE = 1;
const TENANT_LOOKUP = 1;

/**
 * One cron tick. Its cost does not grow with tenants or plans: one request reads the heads of
 * the due indexes; refresh-ahead looks at a bounded number of tenants on its own share of the
 * budget; one request claims up to `dispatchLimit` due runs, fairly across tenants; the claimed
 * runs go to the warm queue in batches of 100. Without a queue, or when it refuses, the tick
 * runs as many chunks as its own budget allows (round-robin across tenants, equal shares) and
 * gives the rest back to the due index.
 */
export async function runWarmTick(options: WarmTickOptions): Promise<WarmTickSummary> {
  const warmingTenantFor = oncePerTenant(options.warmingTenantFor);
  const { budget, at, queue } = options;
  const runner = budgetedRunner(options.runner, budget);
  const summary: WarmTickSummary = { dueTenants: 0, claimed: 0, sent: 0, runs: [], released: 0, subrequests: 0 };
  const inlineCapacity = () => Math.floor((budget.remaining - CLAIM - PLAN_READ - RELEASE) / (MIN_CHUNK_SUBREQUESTS + TENANT_LOOKUP));
  const claimUntil = at + (options.claimMs ?? 300_000);
  let claims: DueClaim[];
  try {
    const heads = await readDueHeads(runner, at, {
      warm: queue ? options.dispatchLimit : Math.max(1, inlineCapacity()),
      refresh: options.refreshTenantsPerTick ?? 10,
    });
    summary.dueTenants = heads.warm.length;
    if (heads.refresh.length > 0) summary.refreshAhead = await refreshHotKeys(heads.refresh, { ...options, warmingTenantFor });
    claims = await claimDuePlans(runner, heads.warm, {
      at,
      claimUntil,
      maxClaims: queue ? options.dispatchLimit : inlineCapacity(),
      perTenant: options.perTenantLimit ?? 50,
    });
  } catch (error) {
    summary.error = error instanceof Error ? error.name : "error";
    summary.subrequests = budget.used;
    return summary;
  }
  summary.claimed = claims.length;

  let unsent = claims;
  if (queue && claims.length > 0) {
    const sent = await sendWarmRuns(queue, claims.map(runAt(at)), budget);
    summary.sent = sent.sent;
    if (sent.stoppedBy) summary.sendStoppedBy = sent.stoppedBy;
    unsent = claims.slice(sent.sent);
  }
  if (unsent.length > 0) Object.assign(summary, await runClaimsHere(unsent, { ...options, warmingTenantFor }, claimUntil));
  summary.subrequests = budget.used;
  return summary;
}

/** Runs claimed plans in this invocation, then gives back the claims its budget did not reach. */
async function runClaimsHere(
  claims: readonly DueClaim[],
  options: WarmTickOptions,
  claimUntil: number,
): Promise<Pick<WarmTickSummary, "runs" | "released">> {
  const { budget } = options;
  // One subrequest is kept back for the release: claims left in place would wait out their lease.
  const outcomes = await runWarmChunks(claims.map(runAt(options.at)), {
    runner: options.runner,
    budget: budget.share(budget.remaining - RELEASE),
    l2: options.l2,
    warmingTenantFor: options.warmingTenantFor,
    ...(options.leaseTtlMs ? { leaseTtlMs: options.leaseTtlMs } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const byRun = new Map(claims.map((claim) => [runId(claim), claim]));
  const unrun = outcomes.flatMap(({ run, result }) => {
    const claim = byRun.get(runId(run));
    return result === "unaffordable" && claim ? [claim] : [];
  });
  let released = 0;
  try {
    await releaseClaims(budgetedRunner(options.runner, budget), unrun, claimUntil);
    released = unrun.length;
  } catch {
    // Not given back: the claims expire with their lease and the plans are handed out then.
  }
  return { runs: outcomes.map(({ run, ...outcome }) => ({ tenant: run.tenant, plan: run.plan, ...outcome })), released };
}

const runAt =
  (at: number) =>
  ({ tenant, plan }: DueClaim): WarmRun => ({ tenant, plan, at });

const runId = ({ tenant, plan }: { tenant: TenantId; plan: string }) => `${tenant}\n${plan}`;

/** Refresh-ahead on its own share of the budget, so plans always keep the rest; its failure stops only itself. */
async function refreshHotKeys(tenants: TenantId[], options: WarmTickOptions): Promise<RefreshAheadSummary | undefined> {
  const share = options.budget.share(Math.floor(options.budget.limit * (options.refreshAheadShare ?? 0.25)));
  const runner = budgetedRunner(options.runner, share);
  try {
    return await refreshAhead(
      tenants,
      {
        at: options.at,
        runner,
        store: options.l2.through((transport) => budgetedRunner(transport, share)),
        budget: share,
        warmingTenantFor: options.warmingTenantFor,
        ...(options.now ? { now: options.now } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      },
      { ...options.refreshAhead, maxBytes: options.maxValueBytes },
    );
  } catch {
    return undefined;
  }
}
