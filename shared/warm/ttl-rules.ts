import * as z from "zod";

/**
 * Lifetimes that depend on the time of day in a tenant's time zone, e.g. a short TTL during
 * business hours and a long one at night. Cron runs in UTC, so the local time is computed with
 * Intl (the runtime's IANA database, daylight saving included) when an entry is written.
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "times are HH:MM, 00:00 to 23:59");

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

export interface TtlRule {
  timeZone: string;
  /** Local weekdays the window applies on. @default every day */
  days?: Weekday[] | undefined;
  /** Local start, inclusive. A window whose end is not after its start runs past midnight. */
  from: string;
  /** Local end, exclusive. */
  to: string;
  ttl: number;
  swr?: number | undefined;
}

/** Local weekday and minute of the day at `at` in `timeZone`. */
export function localTime(at: number, timeZone: string): { day: Weekday; minutes: number } {
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
  const hour = Number(get("hour")) % 24;
  return { day: get("weekday").toLowerCase().slice(0, 3) as Weekday, minutes: hour * 60 + Number(get("minute")) };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function ruleApplies(rule: TtlRule, at: number): boolean {
  const { day, minutes } = localTime(at, rule.timeZone);
  if (rule.days && !rule.days.includes(day)) return false;
  const from = minutesOf(rule.from);
  const to = minutesOf(rule.to);
  if (from === to) return true;
  return from < to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
}

/** The first rule whose window contains `at`, if any. */
export function matchingRule(rules: readonly TtlRule[], at: number): TtlRule | undefined {
  return rules.find((rule) => ruleApplies(rule, at));
}

export const ttlRuleSchema = (maxTtl: number, maxSwr: number) =>
  z.strictObject({
    timeZone: z.string().refine(isTimeZone, "timeZone must be an IANA time zone such as Europe/Paris"),
    days: z.array(z.enum(WEEKDAYS)).min(1).max(7).optional(),
    from: clock,
    to: clock,
    ttl: z.int().min(1).max(maxTtl),
    swr: z.int().min(0).max(maxSwr).optional(),
  });
