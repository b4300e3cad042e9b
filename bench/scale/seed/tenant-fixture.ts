/**
 * What every benchmark tenant looks like, by its index: ids, browser origins and warm plan. All
 * derived from the index, so any part of the harness can name tenant 4,711's origin without
 * keeping a table of 10,000 records.
 */

export const tenantId = (index: number): string => `scale-${String(index).padStart(5, "0")}`;

/** The tenant's own allowed browser origin. */
export const tenantOrigin = (index: number): string => `https://t${index}.scale.example`;

/** The origin its browser token allows (the token's own `allowedOrigins`, not the tenant's). */
export const browserTokenOrigin = (index: number): string => `https://k${index}.scale.example`;

/**
 * The first tenants' plans run every minute or every five; all others hourly. The number of
 * plans on the minute schedule is the same at every size, so a minute tick has the same due
 * work at 10 and at 10,000 tenants, and most plans are not due at the measured tick.
 */
const LEADING_SCHEDULES = ["1m", "1m", "5m"] as const;

export type Schedule = "1m" | "5m" | "1h";

export function scheduleOf(index: number): Schedule {
  return LEADING_SCHEDULES[index] ?? "1h";
}

/** Keys each plan warms, fetched from the local origin under the tenant's own path. */
export const PLAN_KEYS = ["home", "menu", "footer"] as const;
export const PLAN_NAME = "main";

export function planBody(index: number, originUrl: string): Record<string, unknown> {
  return {
    schedule: scheduleOf(index),
    priority: index % 10,
    ttl: 3600,
    swr: 600,
    targets: [{ urlTemplate: `${originUrl}/w/${tenantId(index)}/{key}`, keys: [...PLAN_KEYS] }],
  };
}

/** What a later step needs of a seeded tenant: its tokens (shown once, at issue). */
export interface SeededTenant {
  index: number;
  id: string;
  /** read, write and manage; no origin of its own (the tenant's applies). */
  serverToken: string;
  /** read only, bound to `browserTokenOrigin(index)`. */
  browserToken: string;
}
