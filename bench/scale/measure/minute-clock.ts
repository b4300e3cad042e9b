import { setTimeout as sleep } from "node:timers/promises";

const MINUTE_MS = 60_000;

export const minuteOf = (at: number): number => Math.floor(at / MINUTE_MS);

/** Milliseconds left in the minute `at` falls in. */
export const msLeftInMinute = (at: number): number => MINUTE_MS - (at % MINUTE_MS);

/** At such a minute the five-minute (and perhaps hourly) schedules come due besides the every-minute one. */
export const isSharedMinute = (minute: number): boolean => minute % 5 === 0;

/**
 * Sleeps into the next UTC minute, a little past its start (cron slots are whole minutes; the
 * margin absorbs skew between this clock and the worker's). Returns that minute.
 */
export async function waitForNextMinute(marginMs = 1500): Promise<number> {
  const minute = minuteOf(Date.now()) + 1;
  await sleep(Math.max(0, minute * MINUTE_MS + marginMs - Date.now()));
  return minute;
}
