/** The roles tenants play in one repetition; each role gets a different tenant. */
export const TENANT_ROLES = ["preflightTenant", "preflightToken", "tokenKnown", "tokenRevoked", "data"] as const;

export type TenantRole = (typeof TENANT_ROLES)[number];

/**
 * Which tenant plays `role` in repetition `rep` at `size` tenants: spread evenly over the whole
 * range (at 10,000 tenants the sample reaches the last ones seeded, not only the first), and
 * distinct within a repetition whenever there are at least as many tenants as roles.
 */
export function sampleTenants(size: number, reps: number, rep: number): Record<TenantRole, number> {
  const slots = reps * TENANT_ROLES.length;
  return Object.fromEntries(
    TENANT_ROLES.map((role, k) => [role, Math.min(size - 1, Math.floor(((k * reps + rep + 0.5) * size) / slots))]),
  ) as Record<TenantRole, number>;
}
