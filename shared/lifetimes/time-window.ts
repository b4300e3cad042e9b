import * as z from "zod";

/**
 * A window of local time in an IANA time zone, e.g. a market's trading hours, during which a
 * lifetime applies. Local time comes from Intl (the runtime's zone database, daylight saving
 * included) at the moment of the write.
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface TimeWindow {
  timeZone: string;
  /** Local weekdays the window opens on. @default every day */
  days?: readonly Weekday[] | undefined;
  /** Local opening time, inclusive. A window whose end is not after its start runs past midnight. */
  from: string;
  /** Local closing time, exclusive. */
  to: string;
  /** Local dates (YYYY-MM-DD) on which the window does not open at all, e.g. market holidays. */
  closed?: readonly string[] | undefined;
}

/** Where `at` falls in `timeZone`: the local date, weekday and minute of the day. */
export interface LocalMoment {
  date: string;
  day: Weekday;
  minutes: number;
}

export function localMoment(at: number, timeZone: string): LocalMoment {
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? "";
  const hour = Number(get("hour")) % 24;
  return {
    date: `${get("year")}-${get("month")}-${get("day")}`,
    day: get("weekday").toLowerCase().slice(0, 3) as Weekday,
    minutes: hour * 60 + Number(get("minute")),
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The local date and weekday a day before `moment`'s (its calendar, not 24 hours: DST days are 23 or 25). */
function dayBefore(moment: LocalMoment): Pick<LocalMoment, "date" | "day"> {
  const [year, month, day] = moment.date.split("-").map(Number) as [number, number, number];
  const previous = new Date(Date.UTC(year, month - 1, day - 1));
  return {
    date: previous.toISOString().slice(0, 10),
    day: WEEKDAYS[(WEEKDAYS.indexOf(moment.day) + 6) % 7] as Weekday,
  };
}

/**
 * Whether the window is open at `at`. Weekdays and closed dates are those of the day the window
 * opened: the part of a 22:00-06:00 window after midnight belongs to the evening before, so a
 * Friday-night window runs into Saturday and a holiday's evening window stays shut past midnight.
 */
export function windowOpen(window: TimeWindow, at: number): boolean {
  const now = localMoment(at, window.timeZone);
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  let opened: Pick<LocalMoment, "date" | "day"> | undefined;
  if (from === to) opened = now;
  else if (from < to) opened = now.minutes >= from && now.minutes < to ? now : undefined;
  else if (now.minutes >= from) opened = now;
  else if (now.minutes < to) opened = dayBefore(now);
  if (!opened) return false;
  if (window.days && !window.days.includes(opened.day)) return false;
  return !window.closed?.includes(opened.date);
}

export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "times are HH:MM, 00:00 to 23:59");
const localDate = z.iso.date("closed dates are YYYY-MM-DD");

/** The most closed dates one window lists: a few years of a market's holidays. */
export const MAX_CLOSED_DATES = 400;

export const timeWindowShape = {
  timeZone: z.string().refine(isTimeZone, "timeZone must be an IANA time zone such as America/New_York"),
  days: z.array(z.enum(WEEKDAYS)).min(1).max(7).optional(),
  from: clock,
  to: clock,
  closed: z.array(localDate).max(MAX_CLOSED_DATES, `at most ${MAX_CLOSED_DATES} closed dates`).optional(),
};
