import { type Lifetime, type LifetimePolicy, policyLifetime, policyMatches } from "./lifetime-policy";

export interface LifetimeQuestion {
  key: string;
  contentType: string;
  /** When the write happens (epoch ms): windows are judged at this moment. */
  at: number;
  /** What the write itself asked for; a `ttl` of its own wins over every policy. */
  own?: { ttlSeconds?: number | undefined; swrSeconds?: number | undefined };
  /** The tenant's policies, in order: the first that matches decides. */
  policies: readonly LifetimePolicy[];
  /** A warm plan's lifetime, after the tenant's policies and before the tenant's default. */
  plan?: Lifetime | undefined;
  limits: { defaultTtlSeconds: number; maxTtlSeconds: number; maxSwrSeconds: number };
}

/** Where the lifetime came from, for logs and tests. */
export type LifetimeSource = "write" | "policy" | "plan" | "default";

/**
 * The lifetime of a write, in this order: the write's own ttl, then the first matching policy
 * (its open window's, else its own), then the warm plan's, then the tenant's default. The
 * result is clamped by the tenant's and the deployment's limits, whichever source it came from:
 * a policy saved under older, looser limits never outlives today's.
 */
export function resolveLifetime(question: LifetimeQuestion): Lifetime & { source: LifetimeSource } {
  const { own, limits } = question;
  const chosen = chooseLifetime(question);
  return {
    ttlSeconds: clamp(chosen.lifetime.ttlSeconds, 1, limits.maxTtlSeconds),
    // A write's own swr stands beside a ttl from elsewhere: it asked for that much grace.
    swrSeconds: clamp(own?.swrSeconds ?? chosen.lifetime.swrSeconds, 0, limits.maxSwrSeconds),
    source: chosen.source,
  };
}

function chooseLifetime(question: LifetimeQuestion): { lifetime: Lifetime; source: LifetimeSource } {
  const { own, policies, key, contentType, at, plan, limits } = question;
  if (own?.ttlSeconds !== undefined) return { lifetime: { ttlSeconds: own.ttlSeconds, swrSeconds: 0 }, source: "write" };
  const policy = policies.find((candidate) => policyMatches(candidate, key, contentType));
  if (policy) return { lifetime: policyLifetime(policy, at), source: "policy" };
  if (plan) return { lifetime: plan, source: "plan" };
  return { lifetime: { ttlSeconds: limits.defaultTtlSeconds, swrSeconds: 0 }, source: "default" };
}

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));
