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
 * Requests an isolate may lease in a window and not use (shared/limits/rate-limiter.ts): each
 * lease asks for at most what the isolate admitted in the window before it, or one while another
 * is in flight, so leased-but-unused requests never exceed the used ones plus one per request
 * that leased concurrently. The flood runs at most this many requests at once.
 */
const CONCURRENT_LEASES = 64;

/**
 * Limits never drift under faults. The tenant rule is far above the traffic, so Redis counts
 * what was leased: at most twice the requests that could have reached a window, plus one per
 * concurrent lease; a lease applied twice (a re-sent script call) would break that bound as the
 * window's traffic grows. The tight token's rule refuses; per window it may allow its limit
 * globally plus its limit in the per-isolate fallback, never more.
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
    if (count > 2 * upper + CONCURRENT_LEASES)
      failures.push(
        `tenant window ${w}: Redis counted ${count}, over twice the ${upper} requests that could reach it plus ${CONCURRENT_LEASES}`,
      );
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
      "rate limits never drift (Redis window counter ≤ 2 × requests that could reach it + concurrent leases; allowed ≤ limit + isolate fallback)",
      tenantWindows.size + windowIds.size,
      failures,
      `tenant: ${counted} counted in Redis over ${tenantWindows.size} windows (≤ ${reachable} requests); tight ${input.tightRule.requests}/${input.tightRule.windowSeconds}s: ` +
        `max ${maxAllowed} allowed/window, Redis max ${maxCounter}, ${figures.tight429} × 429`,
    ),
  };
}
