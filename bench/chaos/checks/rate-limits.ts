import type { RequestRecord } from "../traffic/journal.ts";
import { type InvariantResult, invariant } from "./invariant.ts";

export interface RateRule {
  requests: number;
  windowSeconds: number;
}

export interface RateLimitInput {
  /** Redis key → highest count seen (RateLimitSampler). */
  counters: ReadonlyMap<string, number>;
  /** Every request of the metered tenant, both tokens. */
  records: readonly RequestRecord[];
  tenant: string;
  tenantRule: RateRule;
  tightTokenId: string;
  tightRule: RateRule;
}

/** Window counters of one identifier: `ecsys:rl:<n>/<w>:<identifier>:<window index>`. */
function windowsOf(counters: ReadonlyMap<string, number>, rule: RateRule, identifier: string): Map<number, number> {
  const prefix = `ecsys:rl:${rule.requests}/${rule.windowSeconds}:${identifier}:`;
  const windows = new Map<number, number>();
  for (const [key, count] of counters) if (key.startsWith(prefix)) windows.set(Number(key.slice(prefix.length)), count);
  return windows;
}

/** Requests whose lifetime touches window `w`: the most the limiter can have seen in it. */
function touching(records: readonly RequestRecord[], windowMs: number, w: number): number {
  return records.filter((r) => Math.floor(r.start / windowMs) <= w && Math.floor(r.end / windowMs) >= w).length;
}

/** Allowed requests that lay wholly inside window `w`: the least the limiter allowed in it. */
function allowedInside(records: readonly RequestRecord[], windowMs: number, w: number): number {
  return records.filter(
    (r) => r.status !== 429 && r.status !== 0 && Math.floor(r.start / windowMs) === w && Math.floor(r.end / windowMs) === w,
  ).length;
}

/**
 * Limits never drift under faults. The tenant rule is far above the traffic, so every request
 * may be counted at most once: a window's Redis counter above the requests that could have
 * reached it is a double-applied check. The tight token's rule refuses; per window it may allow
 * its limit globally plus its limit in the per-isolate fallback, never more.
 */
export function checkRateLimits(input: RateLimitInput): { result: InvariantResult; figures: Record<string, number> } {
  const failures: string[] = [];
  const tenantWindows = windowsOf(input.counters, input.tenantRule, `t:${input.tenant}`);
  const tenantMs = input.tenantRule.windowSeconds * 1000;
  let counted = 0;
  let reachable = 0;
  for (const [w, count] of tenantWindows) {
    const upper = touching(input.records, tenantMs, w);
    counted += count;
    reachable += upper;
    if (count > upper) failures.push(`tenant window ${w}: Redis counted ${count}, at most ${upper} requests could reach it`);
  }

  const tight = input.records.filter((r) => r.token === "tight");
  const tightMs = input.tightRule.windowSeconds * 1000;
  const tightWindows = windowsOf(input.counters, input.tightRule, `k:${input.tightTokenId}`);
  const windowIds = new Set(tight.map((r) => Math.floor(r.start / tightMs)));
  let maxAllowed = 0;
  for (const w of windowIds) {
    const allowed = allowedInside(tight, tightMs, w);
    maxAllowed = Math.max(maxAllowed, allowed);
    if (allowed > 2 * input.tightRule.requests) failures.push(`tight window ${w}: ${allowed} allowed > 2 × ${input.tightRule.requests}`);
  }
  const maxCounter = Math.max(0, ...tightWindows.values());
  const figures = {
    tenantWindows: tenantWindows.size,
    tenantCounted: counted,
    tenantRequestsBound: reachable,
    tightRequests: tight.length,
    tight429: tight.filter((r) => r.status === 429).length,
    tightMaxAllowedPerWindow: maxAllowed,
    tightMaxRedisCounter: maxCounter,
  };
  return {
    figures,
    result: invariant(
      "rate-limits",
      "rate limits never double-count (Redis window counter ≤ requests that could reach it; allowed ≤ limit + isolate fallback)",
      tenantWindows.size + windowIds.size,
      failures,
      `tenant: ${counted} counted in Redis over ${tenantWindows.size} windows (≤ ${reachable} requests); tight ${input.tightRule.requests}/${input.tightRule.windowSeconds}s: ` +
        `max ${maxAllowed} allowed/window, Redis max ${maxCounter}, ${figures.tight429} × 429`,
    ),
  };
}
