import { Cron } from "croner";

/**
 * When a declared cron should last have fired, and how often: cron triggers run in UTC. A
 * trigger counts as silent when its last tick is older than twice its period (the gap between its
 * two most recent slots), which tolerates a late or skipped delivery but not a trigger that is
 * not firing.
 */

export interface CronSchedule {
  /** The gap between the two most recent slots before `now`, in ms. */
  periodMs: number;
  /** The next slot after `now` (epoch ms). */
  nextAt: number | undefined;
}

export class CronParseError extends Error {
  override readonly name = "CronParseError";
}

export function scheduleOf(expression: string, now: number): CronSchedule {
  let cron: Cron;
  try {
    cron = new Cron(expression, { timezone: "Etc/UTC", paused: true });
  } catch (error) {
    throw new CronParseError(`${expression}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [latest, before] = cron.previousRuns(2, new Date(now));
  const next = cron.nextRun(new Date(now));
  const periodMs = latest && before ? Math.abs(latest.getTime() - before.getTime()) : 60_000;
  return { periodMs, nextAt: next?.getTime() };
}

/** Whether a tick at `lastRunAt` is recent enough for a trigger of this schedule. */
export function firedRecently(lastRunAt: number, schedule: CronSchedule, now: number): boolean {
  return now - lastRunAt <= 2 * schedule.periodMs;
}

/** `90 s`, `14 min`, `3 h`, `2 d`. */
export function formatDuration(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 120 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}
