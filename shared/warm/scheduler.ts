import type { CodecOptions } from "../cache/codec";
import { isTenantId, type TenantId } from "../cache/keys";
import type { RedisRunner } from "../cache/redis-client";
import { UpstashStore } from "../cache/upstash-store";
import type { IsOriginAllowed } from "./origin-policy";
import { type PlanRunResult, runPlan } from "./plan-runner";
import type { WarmPlan } from "./plan-schema";
import { cursorHints, plansOfTenants, warmTenants } from "./plan-store";
import { type RefreshAheadOptions, type RefreshAheadSummary, refreshAhead } from "./refresh-ahead";
import { REFRESH_AHEAD_CRON, slotOf } from "./schedules";
import { budgetedRunner, type SubrequestBudget } from "./subrequest-budget";

export interface WarmInvocationOptions {
  /** The trigger that fired (`controller.cron`). */
  cron: string;
  scheduledTime: number;
  /** A runner without transport retries (warm-runner.ts): one `run`, one subrequest. */
  runner: RedisRunner;
  codec: CodecOptions;
  budget: SubrequestBudget;
  /** The SSRF check of a tenant, e.g. from its host allowlist; asked once per tenant per invocation. */
  originCheckFor: (tenant: TenantId) => Promise<IsOriginAllowed>;
  maxValueBytes: number;
  refreshAhead?: Omit<RefreshAheadOptions, "maxBytes">;
  /** Share of the budget refresh-ahead may spend before plans run. @default 0.25 */
  refreshAheadShare?: number;
  leaseTtlMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
}

export interface WarmInvocationSummary {
  tenants: number;
  /** `error`: Redis failed (or the budget ran out) before the plan's lease was taken. */
  plans: { tenant: TenantId; plan: string; result: PlanRunResult["status"] | "error"; finished?: boolean; cursor?: number | null }[];
  refreshAhead?: RefreshAheadSummary;
  subrequests: number;
  /** Set when Redis failed before any plan could run. */
  error?: string;
}

interface DuePlan {
  tenant: TenantId;
  plan: WarmPlan;
  unfinished: boolean;
}

/**
 * One scheduled invocation: finds every tenant's due plans (three requests however many
 * tenants), refreshes hot keys on the minute trigger, then runs due plans highest priority
 * first until the budget is spent. Due means: the plan's schedule is the trigger that fired and
 * its current slot has not been run, or it has an unfinished run (resumed on any trigger).
 */
export async function runWarmInvocation(invocation: WarmInvocationOptions): Promise<WarmInvocationSummary> {
  const options = { ...invocation, originCheckFor: oncePerTenant(invocation.originCheckFor) };
  const { budget } = options;
  const runner = budgetedRunner(options.runner, budget);
  const store = new UpstashStore({ runner, codec: options.codec, ...(options.now ? { now: options.now } : {}) });
  const summary: WarmInvocationSummary = { tenants: 0, plans: [], subrequests: 0 };
  let tenants: TenantId[];
  let due: DuePlan[];
  try {
    tenants = (await warmTenants(runner)).filter(isTenantId);
    summary.tenants = tenants.length;
    if (options.cron === REFRESH_AHEAD_CRON) summary.refreshAhead = await refreshHotKeys(tenants, options);
    due = await findDuePlans(runner, tenants, options.cron, options.scheduledTime);
  } catch (error) {
    summary.error = error instanceof Error ? error.name : "error";
    summary.subrequests = budget.used;
    return summary;
  }

  for (const { tenant, plan } of due) {
    let result: PlanRunResult;
    try {
      const isOriginAllowed = await options.originCheckFor(tenant);
      result = await runPlan(plan, {
        tenant,
        runner,
        store,
        budget,
        isOriginAllowed,
        trigger: "cron",
        slot: slotOf(plan.schedule, options.scheduledTime),
        ...(options.leaseTtlMs ? { leaseTtlMs: options.leaseTtlMs } : {}),
        ...(options.now ? { now: options.now } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    } catch {
      // Redis failed (or the budget ran out) before the lease was taken: the plan is due again next time.
      summary.plans.push({ tenant, plan: plan.name, result: "error" });
      continue;
    }
    summary.plans.push({
      tenant,
      plan: plan.name,
      result: result.status,
      ...(result.status === "ran" ? { finished: result.record.finished, cursor: result.record.cursor } : {}),
    });
    if (result.status === "unaffordable") break;
  }
  summary.subrequests = budget.used;
  return summary;
}

/** Refresh-ahead on its own share of the budget, so plans always keep the rest; its failure stops only itself. */
async function refreshHotKeys(tenants: TenantId[], options: WarmInvocationOptions): Promise<RefreshAheadSummary | undefined> {
  const share = options.budget.share(Math.floor(options.budget.limit * (options.refreshAheadShare ?? 0.25)));
  const runner = budgetedRunner(options.runner, share);
  try {
    return await refreshAhead(
      tenants,
      {
        runner,
        store: new UpstashStore({ runner, codec: options.codec, ...(options.now ? { now: options.now } : {}) }),
        budget: share,
        originCheckFor: options.originCheckFor,
        ...(options.now ? { now: options.now } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      },
      { ...options.refreshAhead, maxBytes: options.maxValueBytes },
    );
  } catch {
    return undefined;
  }
}

async function findDuePlans(runner: RedisRunner, tenants: TenantId[], cron: string, scheduledTime: number): Promise<DuePlan[]> {
  const plans = (await plansOfTenants(runner, tenants)).flatMap((list, i) =>
    list.map((plan) => ({ tenant: tenants[i] as TenantId, plan })),
  );
  if (plans.length === 0) return [];
  const hints = await cursorHints(
    runner,
    plans.map(({ tenant, plan }) => ({ tenant, name: plan.name })),
  );
  const due = plans.flatMap(({ tenant, plan }, i): DuePlan[] => {
    const hint = hints[i] ?? { slot: 0, unfinished: false };
    if (hint.unfinished) return [{ tenant, plan, unfinished: true }];
    if (plan.schedule !== cron || hint.slot >= slotOf(plan.schedule, scheduledTime)) return [];
    return [{ tenant, plan, unfinished: false }];
  });
  // Priority first; at equal priority an unfinished run goes before a new one.
  return due.sort(
    (a, b) =>
      b.plan.priority - a.plan.priority ||
      Number(b.unfinished) - Number(a.unfinished) ||
      a.tenant.localeCompare(b.tenant) ||
      a.plan.name.localeCompare(b.plan.name),
  );
}

/** Looks a tenant's check up once per invocation; a failed lookup rejects, is not cached, and its plans wait. */
function oncePerTenant(lookup: (tenant: TenantId) => Promise<IsOriginAllowed>): (tenant: TenantId) => Promise<IsOriginAllowed> {
  const checks = new Map<TenantId, Promise<IsOriginAllowed>>();
  return (tenant) => {
    let check = checks.get(tenant);
    if (!check) {
      check = lookup(tenant).catch((error: unknown) => {
        checks.delete(tenant);
        throw error;
      });
      checks.set(tenant, check);
    }
    return check;
  };
}
