import { describe, expect, it } from "vitest";
import { globMatches, type LifetimePolicy, lifetimePoliciesSchema, policyMatches } from "../../../shared/lifetimes/lifetime-policy";
import { resolveLifetime } from "../../../shared/lifetimes/resolve-lifetime";

const at = (iso: string) => Date.parse(iso);
const limits = { defaultTtlSeconds: 3600, maxTtlSeconds: 86_400, maxSwrSeconds: 600 };

// Market data: short while New York trades, long while it is closed (nights, weekends, holidays).
const market: LifetimePolicy = {
  prefix: "market/",
  ttl: 3600,
  swr: 300,
  windows: [
    {
      timeZone: "America/New_York",
      days: ["mon", "tue", "wed", "thu", "fri"],
      from: "09:30",
      to: "16:00",
      closed: ["2026-12-25"],
      ttl: 5,
      swr: 5,
    },
  ],
};
const images: LifetimePolicy = { glob: "*.png", contentType: "image/*", ttl: 86_400 };
const quotes: LifetimePolicy = { glob: "quote/?/*", contentType: "application/json", ttl: 30 };

describe("lifetime policies: which keys they cover", () => {
  it("match by prefix, by glob, and by media type or family", () => {
    expect(policyMatches(market, "market/AAPL", "application/json")).toBe(true);
    expect(policyMatches(market, "markets", "application/json")).toBe(false);
    expect(policyMatches(images, "a/b/logo.png", "image/png")).toBe(true);
    expect(policyMatches(images, "a/b/logo.png", "text/plain")).toBe(false);
    expect(policyMatches(quotes, "quote/A/1", "Application/JSON; charset=utf-8")).toBe(true);
    expect(policyMatches(quotes, "quote/AB/1", "application/json")).toBe(false);
  });

  it("treat glob characters other than * and ? as themselves, and \\ as an escape", () => {
    expect(globMatches("a[b]*", "a[b]c")).toBe(true);
    expect(globMatches("a.c", "abc")).toBe(false);
    expect(globMatches("price\\*", "price*")).toBe(true);
    expect(globMatches("price\\*", "prices")).toBe(false);
    expect(globMatches("*/😀/?", "x/😀/é")).toBe(true);
  });
});

describe("resolveLifetime", () => {
  const ask = (key: string, iso: string, extra: Partial<Parameters<typeof resolveLifetime>[0]> = {}) =>
    resolveLifetime({ key, contentType: "application/json", at: at(iso), policies: [market, quotes], limits, ...extra });

  it("takes the write's own ttl first, then the first matching policy, then the plan's, then the default", () => {
    expect(ask("market/AAPL", "2026-12-24T15:00:00Z", { own: { ttlSeconds: 42 } })).toEqual({
      ttlSeconds: 42,
      swrSeconds: 0,
      source: "write",
    });
    expect(ask("market/AAPL", "2026-12-24T15:00:00Z")).toEqual({ ttlSeconds: 5, swrSeconds: 5, source: "policy" }); // trading
    expect(ask("market/AAPL", "2026-12-25T15:00:00Z")).toEqual({ ttlSeconds: 3600, swrSeconds: 300, source: "policy" }); // holiday
    expect(ask("market/AAPL", "2026-12-26T15:00:00Z")).toEqual({ ttlSeconds: 3600, swrSeconds: 300, source: "policy" }); // Saturday
    expect(ask("other", "2026-12-24T15:00:00Z", { plan: { ttlSeconds: 900, swrSeconds: 60 } })).toEqual({
      ttlSeconds: 900,
      swrSeconds: 60,
      source: "plan",
    });
    expect(ask("other", "2026-12-24T15:00:00Z")).toEqual({ ttlSeconds: 3600, swrSeconds: 0, source: "default" });
  });

  it("keeps a write's own swr beside a lifetime from elsewhere", () => {
    expect(ask("market/AAPL", "2026-12-24T15:00:00Z", { own: { swrSeconds: 120 } })).toEqual({
      ttlSeconds: 5,
      swrSeconds: 120,
      source: "policy",
    });
  });

  it("clamps whatever it chose by the tenant's and the deployment's limits", () => {
    const tight = { defaultTtlSeconds: 60, maxTtlSeconds: 600, maxSwrSeconds: 30 };
    expect(ask("market/AAPL", "2026-12-26T15:00:00Z", { limits: tight })).toEqual({ ttlSeconds: 600, swrSeconds: 30, source: "policy" });
    expect(ask("x", "2026-12-26T15:00:00Z", { limits: tight, own: { ttlSeconds: 10_000 } }).ttlSeconds).toBe(600);
  });
});

describe("lifetimePoliciesSchema", () => {
  const schema = lifetimePoliciesSchema({ maxTtlSeconds: 86_400, maxSwrSeconds: 600 });

  it("accepts policies by prefix or glob, with windows and closed dates", () => {
    expect(schema.safeParse([market, images, quotes]).success).toBe(true);
  });

  it("refuses both or neither of prefix and glob, lifetimes past the limits, bad zones, clocks and dates", () => {
    const bad: unknown[] = [
      [{ prefix: "a", glob: "b*", ttl: 1 }],
      [{ ttl: 1 }],
      [{ prefix: "a", ttl: 86_401 }],
      [{ prefix: "a", ttl: 1, swr: 601 }],
      [{ prefix: "a", ttl: 1, windows: [{ timeZone: "Mars/Base", from: "09:00", to: "10:00", ttl: 1 }] }],
      [{ prefix: "a", ttl: 1, windows: [{ timeZone: "UTC", from: "24:00", to: "10:00", ttl: 1 }] }],
      [{ prefix: "a", ttl: 1, windows: [{ timeZone: "UTC", from: "09:00", to: "10:00", ttl: 1, closed: ["2026-13-01"] }] }],
      [{ prefix: "a", ttl: 1, contentType: "json" }],
      [{ prefix: "", ttl: 1 }],
      Array.from({ length: 51 }, () => ({ prefix: "a", ttl: 1 })),
    ];
    for (const policies of bad) expect(schema.safeParse(policies).success, JSON.stringify(policies).slice(0, 100)).toBe(false);
  });
});

describe("globMatches", () => {
  it("matches in pattern × key steps, whatever the pattern: no exponential backtracking", () => {
    // A backtracking matcher (a regular expression built from the glob) would not finish this
    // within the test's timeout: 60 stars over 512 characters.
    const key = "a".repeat(512);
    expect(globMatches(`${"*a".repeat(60)}*b`, key)).toBe(false);
    expect(globMatches(`${"*a".repeat(60)}*`, key)).toBe(true);
    expect(globMatches("*", "")).toBe(true);
    expect(globMatches("?", "")).toBe(false);
  });
});
