import type { TenantId } from "../cache/keys";
import type { L2Store } from "../cache/l2-store";
import type { RedisRunner } from "../redis/redis-client";
import { expandTargets, type WarmPlan, type WarmTarget } from "./plan-schema";
import { addError, type WarmRunRecord } from "./run-record";
import { beginPlanRun, type FinishInput, finishPlanRun } from "./run-state";
import { nextSlotAfter, slotOf } from "./schedules";
import { BudgetExhaustedError, type SubrequestBudget } from "./subrequest-budget";
import { type TargetOutcome, warmBatch } from "./target-warmer";
import { planLifetime } from "./ttl-rules";
import type { OriginWrite, WarmingTenant } from "./warming-tenant";

export interface PlanRunContext {
  tenant: TenantId;
  /** Budgeted: every Redis request is charged. */
  runner: RedisRunner;
  /** The L2 over the same budgeted runner. */
  store: L2Store;
  budget: SubrequestBudget;
  /** The tenant's allowed origins and lifetime policies. */
  warming: WarmingTenant;
  trigger: "cron" | "manual";
  /**
   * Cron runs: the time of the tick that dispatched the run. Its schedule slot is the one run (a
   * slot already run is not run again), and the due index is moved on from it.
   */
  at?: number;
  /** How long the plan's lease lasts; a chunk stops starting batches after half of it. @default 300000 */
  leaseTtlMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
  backoffMs?: number;
}

export type PlanRunResult =
  | { status: "ran"; record: WarmRunRecord }
  /** Another run of this plan holds the lease. */
  | { status: "busy" }
  /** A cron run whose slot has already been run to the end (a doubled or late delivery). */
  | { status: "not_due" }
  /** Not enough budget left to make progress. */
  | { status: "unaffordable" };

/** begin + read + one fetch + write + finish: less than this cannot move the cursor. */
export const MIN_CHUNK_SUBREQUESTS = 5;
const FINISH = 1;

/**
 * Runs one chunk of a plan under its lease: resumes an unfinished run at its cursor (or starts
 * one), warms batches while the budget lasts, then saves the cursor and the run record.
 */
export async function runPlan(plan: WarmPlan, ctx: PlanRunContext): Promise<PlanRunResult> {
  const now = ctx.now ?? Date.now;
  const leaseTtlMs = ctx.leaseTtlMs ?? 300_000;
  if (!ctx.budget.canAfford(MIN_CHUNK_SUBREQUESTS)) return { status: "unaffordable" };
  const schedule = ctx.trigger === "cron" && ctx.at !== undefined ? scheduleAt(plan, ctx.at) : undefined;
  const begun = await beginPlanRun(ctx.runner, ctx.tenant, plan.name, {
    leaseTtlMs,
    slot: schedule?.slot,
    // Busy: the holder moves the plan on when it finishes; until then it stays due, so a holder
    // that died is replaced by the next tick rather than after a claim expires.
    due: schedule ? { whenDone: schedule.next, whenBusy: ctx.at ?? now() } : undefined,
  });
  if (begun.status !== "leased") return { status: begun.status };
  const { lease, state } = begun;

  const targets = expandTargets(plan);
  const startedAt = now();
  const from = state.resume && state.resume.next < targets.length ? state.resume.next : 0;
  const record = emptyRecord(plan.name, ctx.trigger, targets.length, from, startedAt, state.resume);
  let index = from;
  try {
    while (index < targets.length) {
      // A batch needs its read, one fetch and its write, with the finish kept back.
      if (!ctx.budget.canAfford(3, FINISH)) break;
      if (now() - startedAt > leaseTtlMs / 2) {
        record.stoppedBy = "time";
        break;
      }
      const size = Math.min(plan.limits.batchSize, targets.length - index, ctx.budget.remaining - 2 - FINISH);
      const batch = targets.slice(index, index + size);
      const outcomes = await warmBatch(batch, {
        tenant: ctx.tenant,
        store: ctx.store,
        budget: ctx.budget,
        isOriginAllowed: ctx.warming.isOriginAllowed,
        limits: plan.limits,
        keepAfter: FINISH,
        lifetimeOf: (target, contentType, at) => ctx.warming.lifetimeOf(originWrite(plan, target, contentType, at), at),
        now,
        ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
        ...(ctx.backoffMs !== undefined ? { backoffMs: ctx.backoffMs } : {}),
      });
      const pending = outcomes.findIndex((outcome) => outcome.kind === "pending");
      const done = pending < 0 ? outcomes.length : pending;
      // Targets finished after the first pending one are redone on resume: the cursor is one index.
      tally(record, batch.slice(0, done), outcomes.slice(0, done));
      index += done;
      if (done === 0) break;
    }
  } catch (error) {
    record.stoppedBy = error instanceof BudgetExhaustedError ? "budget" : "store_unavailable";
  }
  if (index < targets.length) record.stoppedBy ??= "budget";
  record.to = index;
  record.finished = index >= targets.length;
  record.cursor = record.finished ? null : index;
  record.endedAt = now();

  try {
    const { leaseHeld } = await finishPlanRun(ctx.runner, ctx.tenant, {
      lease,
      record,
      slot: record.finished ? schedule?.slot : undefined,
      due: dueAfter(record, schedule, ctx.at ?? now()),
    });
    if (!leaseHeld) record.leaseLost = true;
  } catch {
    // Not saved: the lease expires on its own and the next run redoes this chunk (writes are idempotent).
  }
  return { status: "ran", record };
}

function scheduleAt(plan: WarmPlan, at: number): { slot: number; next: number } {
  return { slot: slotOf(plan.schedule, at), next: nextSlotAfter(plan.schedule, at) };
}

/**
 * A finished cron run makes the plan due at its next slot; an unfinished run of either kind makes
 * it due at once (the next tick resumes it from its cursor); a finished manual run leaves the
 * schedule as it was.
 */
function dueAfter(record: WarmRunRecord, schedule: { next: number } | undefined, at: number): FinishInput["due"] {
  if (!record.finished) return { at, mode: "LT" };
  return schedule ? { at: schedule.next, mode: "SET" } : undefined;
}

/**
 * A target's write as lifetimes are resolved: its own ttl and swr, and the plan's lifetime at `at`
 * (its open ttlRule's, else its own). A target's own ttl keeps the plan's swr unless it gives one.
 */
export function originWrite(
  plan: Pick<WarmPlan, "ttlRules" | "ttl" | "swr">,
  target: Pick<WarmTarget, "key" | "ttl" | "swr">,
  contentType: string,
  at: number,
): OriginWrite {
  const planned = planLifetime(plan, at);
  const ownSwr = target.swr ?? (target.ttl !== undefined ? planned.swrSeconds : undefined);
  return { key: target.key, contentType, own: { ttlSeconds: target.ttl, swrSeconds: ownSwr }, plan: planned };
}

function emptyRecord(
  plan: string,
  trigger: WarmRunRecord["trigger"],
  total: number,
  from: number,
  startedAt: number,
  resume: { runId: string; startedAt: number } | undefined,
): WarmRunRecord {
  return {
    runId: resume?.runId || crypto.randomUUID(),
    plan,
    trigger,
    runStartedAt: resume?.startedAt || startedAt,
    startedAt,
    endedAt: startedAt,
    from,
    to: from,
    total,
    ok: 0,
    notModified: 0,
    failed: 0,
    skipped: 0,
    bytes: 0,
    errors: [],
    finished: false,
    cursor: from,
  };
}

function tally(record: WarmRunRecord, targets: readonly WarmTarget[], outcomes: readonly TargetOutcome[]): void {
  outcomes.forEach((outcome, i) => {
    const key = (targets[i] as WarmTarget).key;
    switch (outcome.kind) {
      case "ok":
        record.ok += 1;
        record.bytes += outcome.bytes;
        break;
      case "notModified":
        record.notModified += 1;
        break;
      case "failed":
        record.failed += 1;
        addError(record, { key, reason: outcome.reason, ...(outcome.status ? { status: outcome.status } : {}) });
        break;
      case "skipped":
        record.skipped += 1;
        if (outcome.reason !== "fresh") addError(record, { key, reason: outcome.reason });
        break;
      case "pending":
        break;
    }
  });
}
