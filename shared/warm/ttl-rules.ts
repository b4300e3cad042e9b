import * as z from "zod";
import { type Lifetime, policyLifetime } from "../lifetimes/lifetime-policy";
import { type TimeWindow, timeWindowShape } from "../lifetimes/time-window";

/**
 * A warm plan's time-window lifetimes (`ttlRules`): the windows of the plan's own lifetime, judged
 * by the same mechanism as a tenant's lifetime policies (lifetimes/), so a plan's rule and a
 * policy's window mean the same thing, closed dates included.
 */
export interface TtlRule extends TimeWindow {
  ttl: number;
  swr?: number | undefined;
}

/** The plan's lifetime at `at`: its first open rule's, else its `ttl` and `swr`. */
export function planLifetime(plan: { ttl: number; swr: number; ttlRules: readonly TtlRule[] }, at: number): Lifetime {
  return policyLifetime({ ttl: plan.ttl, swr: plan.swr, windows: plan.ttlRules }, at);
}

export const ttlRuleSchema = (maxTtl: number, maxSwr: number) =>
  z.strictObject({
    ...timeWindowShape,
    ttl: z.int().min(1).max(maxTtl),
    swr: z.int().min(0).max(maxSwr).optional(),
  });
