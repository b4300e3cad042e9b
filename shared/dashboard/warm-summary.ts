import type { TenantId } from "../cache/keys";
import type { RedisRunner } from "../redis/redis-client";
import type { WarmPlan } from "../warm/plan-schema";
import { listPlans, listRuns } from "../warm/plan-store";
import type { WarmRunRecord } from "../warm/run-record";

export interface WarmPlanSummary {
  name: string;
  schedule: string;
  priority: number;
  targets: number;
}

/**
 * ok: every target was stored or still valid. partial: some failed. failed: none succeeded.
 * resuming: the run ran out of budget or time and continues at the next trigger.
 */
export type WarmOutcome = "ok" | "partial" | "failed" | "resuming";

/** One run, its chunks (which share a runId) added up. */
export interface WarmRunSummary
  extends Pick<
    WarmRunRecord,
    | "runId"
    | "plan"
    | "trigger"
    | "startedAt"
    | "endedAt"
    | "total"
    | "ok"
    | "notModified"
    | "failed"
    | "skipped"
    | "bytes"
    | "stoppedBy"
    | "errors"
  > {
  outcome: WarmOutcome;
}

export interface WarmSummary {
  plans: WarmPlanSummary[];
  runs: WarmRunSummary[];
}

const ERRORS_SHOWN = 3;

/** The tenant's plans and its newest runs over all of them, newest first: two requests. */
export async function readWarmSummary(runner: RedisRunner, tenant: TenantId, runsShown: number): Promise<WarmSummary> {
  const plans = await listPlans(runner, tenant);
  // Twice as many chunk records as runs shown, so the runs shown usually have all their chunks.
  const records = await listRuns(
    runner,
    tenant,
    plans.map((plan) => plan.name),
    runsShown * 2,
  );
  return { plans: plans.map(planSummary), runs: summariseRuns(records).slice(0, runsShown) };
}

function planSummary(plan: WarmPlan): WarmPlanSummary {
  const targets = plan.targets.reduce((sum, target) => sum + ("keys" in target ? target.keys.length : 1), 0);
  return { name: plan.name, schedule: plan.schedule, priority: plan.priority, targets };
}

/** Chunk records (newest first) grouped into runs, newest run first. */
export function summariseRuns(records: readonly WarmRunRecord[]): WarmRunSummary[] {
  const runs = new Map<string, { summary: WarmRunSummary; finished: boolean }>();
  for (const record of records) {
    let run = runs.get(record.runId);
    if (!run) {
      run = {
        summary: {
          runId: record.runId,
          plan: record.plan,
          trigger: record.trigger,
          startedAt: record.runStartedAt,
          endedAt: record.endedAt,
          total: record.total,
          ok: 0,
          notModified: 0,
          failed: 0,
          skipped: 0,
          bytes: 0,
          outcome: "ok",
          ...(record.stoppedBy ? { stoppedBy: record.stoppedBy } : {}),
          errors: [],
        },
        finished: false,
      };
      runs.set(record.runId, run);
    }
    const { summary } = run;
    summary.ok += record.ok;
    summary.notModified += record.notModified;
    summary.failed += record.failed;
    summary.skipped += record.skipped;
    summary.bytes += record.bytes;
    summary.endedAt = Math.max(summary.endedAt, record.endedAt);
    for (const error of record.errors) if (summary.errors.length < ERRORS_SHOWN) summary.errors.push(error);
    run.finished ||= record.finished;
  }
  return [...runs.values()]
    .map(({ summary, finished }) => ({ ...summary, outcome: outcomeOf(summary, finished) }))
    .sort((a, b) => b.startedAt - a.startedAt);
}

function outcomeOf(run: WarmRunSummary, finished: boolean): WarmOutcome {
  if (!finished) return "resuming";
  if (run.failed === 0) return "ok";
  return run.ok + run.notModified > 0 ? "partial" : "failed";
}
