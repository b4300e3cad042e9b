import { Cron } from "croner";

/**
 * The cron triggers declared in wrangler.toml. A plan can only use one of these: Cloudflare fires
 * declared triggers and nothing else (5 per account on Free), so any other expression would
 * silently never run. test/shared/warm/schedules.test.ts checks this list against wrangler.toml.
 */
export const DECLARED_CRONS = ["* * * * *", "*/5 * * * *", "0 * * * *"] as const;

export type DeclaredCron = (typeof DECLARED_CRONS)[number];

/** Friendlier names for the declared schedules. */
export const SCHEDULE_INTERVALS = { "1m": "* * * * *", "5m": "*/5 * * * *", "1h": "0 * * * *" } as const satisfies Record<
  string,
  DeclaredCron
>;

export type ScheduleInterval = keyof typeof SCHEDULE_INTERVALS;

export function isDeclaredCron(value: string): value is DeclaredCron {
  return (DECLARED_CRONS as readonly string[]).includes(value);
}

/** An interval name or a declared cron expression, as the cron expression; undefined otherwise. */
export function resolveSchedule(value: string): DeclaredCron | undefined {
  // Own keys only: `in` would also find "toString" on the prototype.
  if (Object.hasOwn(SCHEDULE_INTERVALS, value)) return SCHEDULE_INTERVALS[value as ScheduleInterval];
  return isDeclaredCron(value) ? value : undefined;
}

const parsed = new Map<string, Cron>();

/** Croner parses the expression (throwing on a bad one); cron triggers are always UTC. */
function cronOf(expression: string): Cron {
  let cron = parsed.get(expression);
  if (!cron) {
    cron = new Cron(expression, { timezone: "Etc/UTC" });
    parsed.set(expression, cron);
  }
  return cron;
}

/**
 * The schedule slot a trigger time belongs to: the latest time at or before `at` that the
 * expression matches. Two deliveries of one trigger share a slot, which is how a doubled cron
 * run is recognised and skipped.
 */
export function slotOf(expression: string, at: number): number {
  const minute = Math.floor(at / 60_000) * 60_000;
  // previousRuns looks strictly before its reference: one second past the minute includes it.
  const [previous] = cronOf(expression).previousRuns(1, new Date(minute + 1000));
  return previous ? previous.getTime() : minute;
}

/** The first slot after the one `at` belongs to: when a plan that has run its current slot is due again. */
export function nextSlotAfter(expression: string, at: number): number {
  const next = cronOf(expression).nextRun(new Date(slotOf(expression, at)));
  return next ? next.getTime() : slotOf(expression, at) + 60_000;
}

/** Milliseconds between two consecutive slots after `at`: how long until the next chance to run. */
export function intervalAfter(expression: string, at: number): number {
  const [first, second] = cronOf(expression).nextRuns(2, new Date(at));
  return first && second ? second.getTime() - first.getTime() : 60_000;
}
