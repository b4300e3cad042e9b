import * as z from "zod";
import type { TenantId } from "../cache/keys";
import { browserOriginSchema, rateLimitSchema } from "./tenant-record";

/**
 * read: GET/HEAD entries and batch gets, the scope for front ends.
 * write: PUT/DELETE entries, batch sets and deletes, tag invalidation.
 * manage: tenant-wide operations: clear, stats, warm plans.
 */
export const SCOPES = ["read", "write", "manage"] as const;
export type Scope = (typeof SCOPES)[number];

export const tokenIssueSchema = z.strictObject({
  name: z.string().min(1).max(200).optional(),
  scopes: z.array(z.enum(SCOPES)).min(1).max(3),
  /** Seconds from now; absent: never expires. */
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(5 * 365 * 86_400)
    .optional(),
  /** Browser origins for this token only; absent: the tenant's. */
  allowedOrigins: z.array(browserOriginSchema).max(100).optional(),
  /** A limit for this token alone, on top of the tenant's. */
  rateLimit: rateLimitSchema.optional(),
});

export type TokenIssue = z.output<typeof tokenIssueSchema>;

/** What is stored about a token: never the token itself, only its digest as the lookup key. */
export interface TokenRecord {
  id: string;
  tenant: TenantId;
  name?: string;
  scopes: Scope[];
  /** The first characters of the token, so an operator can recognise it in a list. */
  hint: string;
  allowedOrigins?: string[];
  rateLimit?: { requests: number; windowSeconds: number };
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
}

/** Why a token does not authenticate, each with its own error code. */
export type TokenProblem = "unknown" | "expired" | "revoked" | "tenant_disabled";

export function tokenProblem(token: TokenRecord, tenantStatus: "active" | "disabled" | undefined, now: number): TokenProblem | undefined {
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && Date.parse(token.expiresAt) <= now) return "expired";
  if (tenantStatus === undefined) return "unknown";
  if (tenantStatus === "disabled") return "tenant_disabled";
  return undefined;
}
