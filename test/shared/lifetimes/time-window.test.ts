import { describe, expect, it } from "vitest";
import { isTimeZone, localMoment, type TimeWindow, windowOpen } from "../../../shared/lifetimes/time-window";
import { planLifetime } from "../../../shared/warm/ttl-rules";

const at = (iso: string) => Date.parse(iso);

const businessHours: TimeWindow = { timeZone: "Europe/Paris", days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", to: "18:00" };
const night: TimeWindow = { timeZone: "Europe/Paris", from: "22:00", to: "06:00" };
// New York's regular session, with two market holidays.
const nyse: TimeWindow = {
  timeZone: "America/New_York",
  days: ["mon", "tue", "wed", "thu", "fri"],
  from: "09:30",
  to: "16:00",
  closed: ["2026-12-25", "2027-01-01"],
};

describe("time windows", () => {
  it("read local time in the window's zone, daylight saving included", () => {
    // Paris is UTC+1 in winter, UTC+2 in summer.
    expect(localMoment(at("2026-01-14T08:30:00Z"), "Europe/Paris")).toEqual({ date: "2026-01-14", day: "wed", minutes: 9 * 60 + 30 });
    expect(localMoment(at("2026-07-15T08:30:00Z"), "Europe/Paris")).toEqual({ date: "2026-07-15", day: "wed", minutes: 10 * 60 + 30 });
    expect(localMoment(at("2026-01-14T02:00:00Z"), "America/New_York")).toEqual({ date: "2026-01-13", day: "tue", minutes: 21 * 60 });
  });

  it("open on their days, from the start inclusive to the end exclusive", () => {
    expect(windowOpen(businessHours, at("2026-01-14T08:00:00Z"))).toBe(true); // Wed 09:00 Paris
    expect(windowOpen(businessHours, at("2026-01-14T07:59:00Z"))).toBe(false); // Wed 08:59
    expect(windowOpen(businessHours, at("2026-01-14T17:00:00Z"))).toBe(false); // Wed 18:00
    expect(windowOpen(businessHours, at("2026-01-17T10:00:00Z"))).toBe(false); // Saturday
  });

  it("run past midnight when the end is before the start, as part of the day they opened", () => {
    expect(windowOpen(night, at("2026-01-14T22:30:00Z"))).toBe(true); // 23:30 Paris
    expect(windowOpen(night, at("2026-01-15T04:00:00Z"))).toBe(true); // 05:00
    expect(windowOpen(night, at("2026-01-15T05:00:00Z"))).toBe(false); // 06:00
    expect(windowOpen(night, at("2026-01-14T12:00:00Z"))).toBe(false);
    // A Friday-night window runs into Saturday morning, and a Saturday one does not open on Friday.
    const fridayNight: TimeWindow = { ...night, days: ["fri"] };
    expect(windowOpen(fridayNight, at("2026-01-17T03:00:00Z"))).toBe(true); // Sat 04:00, opened Friday
    expect(windowOpen(fridayNight, at("2026-01-16T03:00:00Z"))).toBe(false); // Fri 04:00, opened Thursday
  });

  it("stay shut on closed dates, the after-midnight part of a closed evening included", () => {
    expect(windowOpen(nyse, at("2026-12-24T15:00:00Z"))).toBe(true); // Thu 10:00 New York
    expect(windowOpen(nyse, at("2026-12-25T15:00:00Z"))).toBe(false); // Christmas
    expect(windowOpen(nyse, at("2027-01-01T15:00:00Z"))).toBe(false); // New Year's Day
    const evening: TimeWindow = { timeZone: "America/New_York", from: "20:00", to: "02:00", closed: ["2026-12-24"] };
    expect(windowOpen(evening, at("2026-12-25T06:00:00Z"))).toBe(false); // 01:00 on the 25th, opened on the 24th
    expect(windowOpen(evening, at("2026-12-26T06:00:00Z"))).toBe(true); // 01:00 on the 26th, opened on the 25th
  });

  it("follow daylight saving changes: the same local hours, an hour apart in UTC", () => {
    // New York moves to UTC-4 on 2026-03-08: 09:30 local is 14:30Z before and 13:30Z after.
    expect(windowOpen(nyse, at("2026-03-06T14:30:00Z"))).toBe(true); // Fri 09:30 EST
    expect(windowOpen(nyse, at("2026-03-09T13:30:00Z"))).toBe(true); // Mon 09:30 EDT
    expect(windowOpen(nyse, at("2026-03-06T13:30:00Z"))).toBe(false); // Fri 08:30 EST
    // The night the clocks go forward (02:00 -> 03:00), a 01:00-04:00 window is three UTC hours long minus one.
    const early: TimeWindow = { timeZone: "America/New_York", from: "01:00", to: "04:00" };
    expect(windowOpen(early, at("2026-03-08T06:30:00Z"))).toBe(true); // 01:30 EST
    expect(windowOpen(early, at("2026-03-08T07:30:00Z"))).toBe(true); // 03:30 EDT
    expect(windowOpen(early, at("2026-03-08T08:00:00Z"))).toBe(false); // 04:00 EDT
  });

  it("know IANA zone names", () => {
    expect(isTimeZone("Europe/Paris")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});

describe("a warm plan's ttlRules, on the same windows", () => {
  const plan = {
    ttl: 300,
    swr: 60,
    ttlRules: [
      { ...nyse, ttl: 5 },
      { ...night, ttl: 7200, swr: 600 },
    ],
  };

  it("gives the first open rule's lifetime, its swr or else the plan's, and the plan's outside them", () => {
    expect(planLifetime(plan, at("2026-12-24T15:00:00Z"))).toEqual({ ttlSeconds: 5, swrSeconds: 60 });
    expect(planLifetime(plan, at("2026-12-25T15:00:00Z"))).toEqual({ ttlSeconds: 300, swrSeconds: 60 }); // holiday
    expect(planLifetime(plan, at("2026-12-24T22:30:00Z"))).toEqual({ ttlSeconds: 7200, swrSeconds: 600 }); // 23:30 Paris
  });
});
