import { type Lifetime, type LifetimeWindow, lifetimeWindowSchema, policyLifetime } from "../lifetimes/lifetime-policy";

/**
 * A warm plan's time-window lifetimes (`ttlRules`): the windows of the plan's own lifetime, judged
 * by the same mechanism as a tenant's lifetime policies (lifetimes/), so a plan's rule and a
 * policy's window mean the same thing, closed dates included.
 */
export type TtlRule = LifetimeWindow;

/** The plan's lifetime at `at`: its first open rule's, else its `ttl` and `swr`. */
export function planLifetime(plan: { ttl: number; swr: number; ttlRules: readonly TtlRule[] }, at: number): Lifetime {
  return policyLifetime({ ttl: plan.ttl, swr: plan.swr, windows: plan.ttlRules }, at);
}

export const ttlRuleSchema = (maxTtl: number, maxSwr: number) => lifetimeWindowSchema({ maxTtlSeconds: maxTtl, maxSwrSeconds: maxSwr });
