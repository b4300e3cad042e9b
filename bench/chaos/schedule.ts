import { setTimeout as sleep } from "node:timers/promises";
import type { FaultWindow } from "./checks/health-transitions.ts";
import { CLOSE_WITHIN_MS } from "./checks/health-transitions.ts";
import { FAULT_PLANS, type FaultPlan } from "./faults.ts";
import type { HealthSampler } from "./samplers/health-sampler.ts";
import type { ChaosStack } from "./stack/chaos-stack.ts";
import type { Journal } from "./traffic/journal.ts";

export interface ScheduleTimes {
  baselineSeconds: number;
  outageSeconds: number;
  recoverySeconds: number;
}

export interface ScheduleResult {
  baseline: { start: number; end: number };
  windows: (FaultWindow & { what: string; end: number })[];
}

const now = () => performance.timeOrigin + performance.now();

async function inject(stack: ChaosStack, plan: FaultPlan): Promise<void> {
  if (plan.redisKill) await stack.redis.kill();
  if (plan.gateway) await stack.faults.setFaults(plan.gateway);
  if (plan.proxy) stack.proxy.set(plan.proxy);
}

async function lift(stack: ChaosStack, plan: FaultPlan): Promise<void> {
  if (plan.redisKill) await stack.redis.restart();
  if (plan.gateway) await stack.faults.clearFaults();
  if (plan.proxy) stack.proxy.set({ mode: "pass" });
}

/**
 * Baseline, then each fault in turn while traffic runs: inject, hold, lift, wait for /health to
 * report ok with a closed circuit (up to the 5 s the invariant allows, plus slack), let
 * `afterRecovery` check what Redis holds, and hold the recovered state before the next fault.
 */
export async function runSchedule(
  stack: ChaosStack,
  journal: Journal,
  health: HealthSampler,
  times: ScheduleTimes,
  afterRecovery: (plan: FaultPlan) => Promise<void>,
  log: (line: string) => void,
): Promise<ScheduleResult> {
  journal.phase = "baseline";
  const baselineStart = now();
  await sleep(times.baselineSeconds * 1000);
  const result: ScheduleResult = { baseline: { start: baselineStart, end: now() }, windows: [] };

  for (const plan of FAULT_PLANS) {
    journal.phase = plan.name;
    const start = now();
    await inject(stack, plan);
    log(`  ${plan.name}: ${plan.what}`);
    await sleep(times.outageSeconds * 1000);
    await lift(stack, plan);
    const recoveredAt = now();
    journal.phase = `${plan.name} (recovery)`;
    await health.waitForHealthy(recoveredAt, CLOSE_WITHIN_MS + 3000);
    await afterRecovery(plan);
    const settleUntil = recoveredAt + times.recoverySeconds * 1000;
    if (settleUntil > now()) await sleep(settleUntil - now());
    result.windows.push({ name: plan.name, what: plan.what, outage: plan.outage, start, recoveredAt, end: now() });
  }
  journal.phase = "final";
  return result;
}
