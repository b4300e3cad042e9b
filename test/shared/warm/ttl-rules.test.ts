import { describe, expect, it } from "vitest";
import { isTimeZone, localTime, matchingRule, ruleApplies, type TtlRule } from "../../../shared/warm/ttl-rules";

const at = (iso: string) => Date.parse(iso);

const businessHours: TtlRule = { timeZone: "Europe/Paris", days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", to: "18:00", ttl: 60 };
const night: TtlRule = { timeZone: "Europe/Paris", from: "22:00", to: "06:00", ttl: 7200 };

describe("TTL rules by time window", () => {
  it("reads local time in the rule's zone, daylight saving included", () => {
    // Paris is UTC+1 in winter, UTC+2 in summer.
    expect(localTime(at("2026-01-14T08:30:00Z"), "Europe/Paris")).toEqual({ day: "wed", minutes: 9 * 60 + 30 });
    expect(localTime(at("2026-07-15T08:30:00Z"), "Europe/Paris")).toEqual({ day: "wed", minutes: 10 * 60 + 30 });
    expect(localTime(at("2026-01-14T02:00:00Z"), "America/New_York")).toEqual({ day: "tue", minutes: 21 * 60 });
  });

  it("applies a window on its days, from its start inclusive to its end exclusive", () => {
    expect(ruleApplies(businessHours, at("2026-01-14T08:00:00Z"))).toBe(true); // Wed 09:00 Paris
    expect(ruleApplies(businessHours, at("2026-01-14T07:59:00Z"))).toBe(false); // Wed 08:59
    expect(ruleApplies(businessHours, at("2026-01-14T17:00:00Z"))).toBe(false); // Wed 18:00
    expect(ruleApplies(businessHours, at("2026-01-17T10:00:00Z"))).toBe(false); // Saturday
  });

  it("runs a window whose end is before its start past midnight", () => {
    expect(ruleApplies(night, at("2026-01-14T22:30:00Z"))).toBe(true); // 23:30 Paris
    expect(ruleApplies(night, at("2026-01-15T04:00:00Z"))).toBe(true); // 05:00
    expect(ruleApplies(night, at("2026-01-15T05:00:00Z"))).toBe(false); // 06:00
    expect(ruleApplies(night, at("2026-01-14T12:00:00Z"))).toBe(false);
  });

  it("picks the first rule that matches, or none", () => {
    expect(matchingRule([businessHours, night], at("2026-01-14T10:00:00Z"))?.ttl).toBe(60);
    expect(matchingRule([businessHours, night], at("2026-01-14T23:00:00Z"))?.ttl).toBe(7200);
    expect(matchingRule([businessHours, night], at("2026-01-14T19:00:00Z"))).toBeUndefined();
  });

  it("knows IANA zone names", () => {
    expect(isTimeZone("Europe/Paris")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});
