import { setTimeout as sleep } from "node:timers/promises";
import { isSharedMinute, minuteOf, msLeftInMinute, waitForNextMinute } from "./minute-clock.ts";
import { addSamples, type OperationId, type SizeSamples } from "./operations.ts";
import { rotated } from "./rotated.ts";
import { drainDueWork, measureTick, type TickContext, type TickVariant } from "./ticks.ts";

export interface TickPhaseOptions {
  reps: number;
  /** Ticks at which the every-minute plans are due, per variant: each waits for a minute boundary. */
  dueReps: number;
  log: (line: string) => void;
}

export interface DrainRecord {
  ticks: number;
  drained: boolean;
  seconds: number;
}

/** A measured tick plus its queue wait must fit in what is left of the drained minute. */
const MINUTE_GUARD_MS = 8000;
const MAX_DRAIN_TICKS = 400;

/**
 * Cron ticks at every size, the sizes taken in turn. "Nothing due" ticks are taken in the same
 * minute as a drain of that deployment (so every plan has run its current slot); a new minute,
 * or too little of it left, means draining again. "Due" ticks are each the first of a minute no
 * five-minute or hourly schedule shares, when exactly the every-minute plans have come due.
 */
export async function measureTicks<T extends TickContext>(
  deployments: readonly T[],
  options: TickPhaseOptions,
): Promise<Map<T, { samples: SizeSamples; drains: DrainRecord[] }>> {
  const variants: TickVariant[] = deployments[0]?.stack.worker.hasQueue ? ["inline", "queue"] : ["inline"];
  const results = new Map(deployments.map((d) => [d, { samples: {} as SizeSamples, drains: [] as DrainRecord[], drainedMinute: -1 }]));
  const drain = async (deployment: T) => {
    const own = results.get(deployment);
    if (!own) return;
    if (msLeftInMinute(Date.now()) < MINUTE_GUARD_MS) await sleep(msLeftInMinute(Date.now()) + 1000);
    const started = performance.now();
    const result = await drainDueWork(deployment, { maxTicks: MAX_DRAIN_TICKS });
    const seconds = (performance.now() - started) / 1000;
    own.drains.push({ ...result, seconds });
    if (!result.drained) options.log(`    due work NOT drained in ${result.ticks} ticks: tick costs kept changing`);
    own.drainedMinute = minuteOf(Date.now());
  };
  const measure = async (deployment: T, id: OperationId, variant: TickVariant) => {
    const own = results.get(deployment);
    if (own) addSamples(own.samples, id, [await measureTick(deployment, variant)]);
  };

  for (let rep = 0; rep < options.reps; rep++) {
    for (const deployment of rotated(deployments, rep))
      for (const variant of variants) {
        const drainedMinute = results.get(deployment)?.drainedMinute;
        if (minuteOf(Date.now()) !== drainedMinute || msLeftInMinute(Date.now()) < MINUTE_GUARD_MS) await drain(deployment);
        await measure(deployment, variant === "inline" ? "tick-inline" : "tick-queue", variant);
      }
    options.log(`ticks with nothing due: repetition ${rep + 1} of ${options.reps} done at every size`);
  }
  for (let rep = 0; rep < options.dueReps; rep++)
    for (const variant of variants) {
      // A minute shared with other schedules is drained, not measured: skipping it would leave
      // its slots unrun, due at the measured minute on top of the every-minute plans.
      let minute = await waitForNextMinute();
      while (isSharedMinute(minute)) {
        for (const deployment of deployments) await drain(deployment);
        minute = await waitForNextMinute();
      }
      for (const deployment of rotated(deployments, rep))
        await measure(deployment, variant === "inline" ? "tick-inline-due" : "tick-queue-due", variant);
      options.log(`ticks with the every-minute plans due (${variant}): repetition ${rep + 1} of ${options.dueReps} done at every size`);
    }
  return new Map([...results].map(([deployment, { samples, drains }]) => [deployment, { samples, drains }]));
}
