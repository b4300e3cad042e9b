import * as z from "zod";
import { isTenantId, type TenantId } from "../cache/keys";
import type { LifetimePolicy } from "../lifetimes/lifetime-policy";

/** The longest browser origin accepted, in an `Origin` header or a tenant's list. */
export const MAX_ORIGIN_LENGTH = 255;

/**
 * Whether `value` is a browser origin exactly as a browser serialises it in an `Origin` header:
 * http or https, host, optional port, nothing else (no path, no trailing slash, lower case).
 */
export function isBrowserOrigin(value: string): boolean {
  // Cheap checks first: preflights test untrusted headers with this before any lookup.
  if (value.length > MAX_ORIGIN_LENGTH || !/^https?:\/\/[^/?#@\s]+$/.test(value)) return false;
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}

/** A browser origin as it appears in an `Origin` header: scheme, host, optional port. */
export const browserOriginSchema = z
  .string()
  .max(MAX_ORIGIN_LENGTH)
  .refine(isBrowserOrigin, "origins look like https://app.example.com (scheme, host and port only)");

/** A host warm origins may be fetched from: `api.example.com`, or `*.example.com` for subdomains. */
export const originHostSchema = z
  .string()
  .max(253)
  .regex(
    /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(:\d{1,5})?$/,
    "hosts look like api.example.com or *.example.com",
  );

export const rateLimitSchema = z.strictObject({
  requests: z.number().int().min(1).max(1_000_000),
  windowSeconds: z.number().int().min(1).max(86_400),
});

/** Hard ceilings on what an operator may raise a tenant's warm-plan caps to. */
export const WARM_CEILINGS = { plans: 1000, targetsPerPlan: 10_000, planBytes: 4 * 1024 * 1024 } as const;

/**
 * Per-tenant limits. The value and lifetime limits are capped by the deployment-wide maximum of
 * the same name. The storage budget and the warm-plan caps replace the deployment's defaults
 * (TENANT_STORAGE_BYTES, WARM_MAX_*): an operator raises or lowers them per tenant, the warm caps
 * up to WARM_CEILINGS.
 */
export const tenantLimitsSchema = z.strictObject({
  maxValueBytes: z.number().int().min(1).optional(),
  defaultTtlSeconds: z.number().int().min(1).optional(),
  maxTtlSeconds: z.number().int().min(1).optional(),
  rateLimit: rateLimitSchema.optional(),
  /** Bytes the tenant's entries may hold in L2 (approximate: README, "Storage budget"). */
  storageBytes: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  warmPlans: z.number().int().min(1).max(WARM_CEILINGS.plans).optional(),
  warmTargetsPerPlan: z.number().int().min(1).max(WARM_CEILINGS.targetsPerPlan).optional(),
  warmPlanBytes: z.number().int().min(1024).max(WARM_CEILINGS.planBytes).optional(),
});

export const tenantIdSchema = z
  .string()
  .refine(isTenantId, "tenant ids are 1-63 characters of a-z 0-9 _ -, starting with a letter or digit");

export const tenantCreateSchema = z.strictObject({
  id: tenantIdSchema,
  name: z.string().min(1).max(200).optional(),
  limits: tenantLimitsSchema.default({}),
  allowedOrigins: z.array(browserOriginSchema).max(100).default([]),
  originHosts: z.array(originHostSchema).max(100).default([]),
});

export const tenantUpdateSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  status: z.enum(["active", "disabled"]).optional(),
  limits: tenantLimitsSchema.optional(),
  allowedOrigins: z.array(browserOriginSchema).max(100).optional(),
  originHosts: z.array(originHostSchema).max(100).optional(),
});

export type TenantCreate = z.output<typeof tenantCreateSchema>;
export type TenantUpdate = z.output<typeof tenantUpdateSchema>;
export type TenantLimits = z.output<typeof tenantLimitsSchema>;

export interface TenantRecord {
  id: TenantId;
  name?: string;
  status: "active" | "disabled";
  limits: TenantLimits;
  allowedOrigins: string[];
  originHosts: string[];
  /** How long writes without a ttl of their own live (PUT /v1/policies/lifetimes). */
  lifetimePolicies?: LifetimePolicy[];
  createdAt: string;
  updatedAt: string;
}

export function newTenantRecord(input: TenantCreate, now: Date): TenantRecord {
  const at = now.toISOString();
  return { ...input, id: input.id as TenantId, status: "active", createdAt: at, updatedAt: at };
}

export function applyTenantUpdate(record: TenantRecord, update: TenantUpdate, now: Date): TenantRecord {
  const defined = Object.fromEntries(Object.entries(update).filter(([, value]) => value !== undefined));
  return { ...record, ...defined, updatedAt: now.toISOString() };
}
