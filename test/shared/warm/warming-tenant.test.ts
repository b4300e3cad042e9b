import { describe, expect, it } from "vitest";
import type { TenantId } from "../../../shared/cache/keys";
import { envSchema } from "../../../shared/env";
import type { LifetimePolicy } from "../../../shared/lifetimes/lifetime-policy";
import type { TenantRecord } from "../../../shared/tenants/tenant-record";
import { originWrite } from "../../../shared/warm/plan-runner";
import { warmingTenant } from "../../../shared/warm/warming-tenant";

const config = envSchema.parse({ DEFAULT_TTL_SECONDS: "300", MAX_TTL_SECONDS: "86400" });
// Monday 2026-03-09 15:00 in New York (EDT since the day before).
const marketOpen = Date.UTC(2026, 2, 9, 19, 0);
const marketClosed = Date.UTC(2026, 2, 9, 23, 0);

function record(policies: LifetimePolicy[], extra: Partial<TenantRecord> = {}): TenantRecord {
  return {
    id: "t" as TenantId,
    status: "active",
    limits: {},
    allowedOrigins: [],
    originHosts: ["api.example.com"],
    lifetimePolicies: policies,
    createdAt: "",
    updatedAt: "",
    ...extra,
  };
}

const policies: LifetimePolicy[] = [
  {
    prefix: "quote/",
    ttl: 3600,
    windows: [{ timeZone: "America/New_York", days: ["mon", "tue", "wed", "thu", "fri"], from: "09:30", to: "16:00", ttl: 5 }],
  },
  { glob: "*.png", contentType: "image/*", ttl: 86_400, swr: 600 },
];
const plan = {
  ttl: 120,
  swr: 10,
  ttlRules: [{ timeZone: "UTC", from: "22:00", to: "23:30", ttl: 900 }],
};

function lifetime(key: string, contentType: string, at: number, target: { ttl?: number; swr?: number } = {}, tenant = record(policies)) {
  return warmingTenant(tenant, config).lifetimeOf(originWrite(plan, { key, ...target }, contentType, at), at);
}

describe("a warm or read-through write's lifetime", () => {
  it("is the target's own ttl, then the first matching policy, then the plan's open rule, then the plan's ttl", () => {
    expect(lifetime("quote/AAPL", "application/json", marketOpen, { ttl: 42 })).toEqual({ ttlSeconds: 42, swrSeconds: 10 });
    expect(lifetime("quote/AAPL", "application/json", marketOpen, { ttl: 42, swr: 1 })).toEqual({ ttlSeconds: 42, swrSeconds: 1 });
    expect(lifetime("quote/AAPL", "application/json", marketOpen)).toEqual({ ttlSeconds: 5, swrSeconds: 0 });
    // At 23:00 UTC New York has closed, and the plan's own 22:00-23:30 rule is open: the policy still comes first.
    expect(lifetime("quote/AAPL", "application/json", marketClosed)).toEqual({ ttlSeconds: 3600, swrSeconds: 0 });
    expect(lifetime("logo.png", "image/png", marketOpen)).toEqual({ ttlSeconds: 86_400, swrSeconds: 600 });
    // The same key answered with another content type is not the policy's.
    expect(lifetime("logo.png", "text/html", marketOpen)).toEqual({ ttlSeconds: 120, swrSeconds: 10 });
    expect(lifetime("news", "text/html", marketClosed)).toEqual({ ttlSeconds: 900, swrSeconds: 10 });
    // A target's own swr stands beside the lifetime chosen elsewhere.
    expect(lifetime("logo.png", "image/png", marketOpen, { swr: 2 })).toEqual({ ttlSeconds: 86_400, swrSeconds: 2 });
  });

  it("is clamped by the tenant's limits as they are now, whichever source gave it", () => {
    const limited = record(policies, { limits: { maxTtlSeconds: 600 } });
    expect(lifetime("logo.png", "image/png", marketOpen, {}, limited)).toEqual({ ttlSeconds: 600, swrSeconds: 600 });
    expect(lifetime("news", "text/html", marketClosed, { ttl: 7200 }, limited)).toEqual({ ttlSeconds: 600, swrSeconds: 10 });
  });

  it("lets a missing or disabled tenant fetch nothing, and an active one only its allowlist", () => {
    const url = new URL("https://api.example.com/x");
    expect(warmingTenant(record([]), config).isOriginAllowed(url)).toBe(true);
    expect(warmingTenant(record([]), config).isOriginAllowed(new URL("https://other.example.com/x"))).toBe(false);
    expect(warmingTenant(record([], { status: "disabled" }), config).isOriginAllowed(url)).toBe(false);
    expect(warmingTenant(undefined, config).isOriginAllowed(url)).toBe(false);
    expect(
      warmingTenant(undefined, config).lifetimeOf(originWrite({ ttl: 60, swr: 0, ttlRules: [] }, { key: "k" }, "text/plain", 0), 0),
    ).toEqual({
      ttlSeconds: 60,
      swrSeconds: 0,
    });
  });
});
