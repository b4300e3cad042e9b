import type * as z from "zod";
import { errorResponseSchema } from "../../shared/api-schemas";
import type { ResponseDocs } from "./operation";

export const json = (schema: z.ZodType, description: string): ResponseDocs => ({
  description,
  content: { "application/json": { schema } },
});

const errorCases: Record<number, string> = {
  400: "Bad input: key, query or body (`bad_request`, `invalid_key`, `invalid_query`, `invalid_body`)",
  401: "No valid token (`unauthorized`, `token_expired`, `token_revoked`)",
  403: "Token may not do this (`tenant_disabled`, `insufficient_scope`, `origin_not_allowed`)",
  404: "Not found (`not_found`)",
  405: "Method not allowed (`method_not_allowed`), with `Allow`",
  409: "Conflict (`conflict`)",
  412: "Precondition failed (`precondition_failed`)",
  413: "Over a size or count limit (`payload_too_large`)",
  415: "Body must be JSON (`unsupported_media_type`)",
  429: "Rate limited (`rate_limited`), with `Retry-After`; with `RateLimit-*` headers too when a tenant's or token's limit refused it, not when too many failed authentications from the client did",
  501: "This deployment runs memory-only and the route needs Redis (`redis_required`): not retryable; configure Upstash",
  503: "Redis unavailable and nothing else can answer (`store_unavailable`), with `Retry-After`",
};

/** The error responses an operation can give, all in the one error shape. */
export function errors(...statuses: number[]): Record<number, ResponseDocs> {
  return Object.fromEntries(statuses.map((status) => [status, json(errorResponseSchema, errorCases[status] ?? "Error")]));
}

export const jsonBody = (schema: z.ZodType) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const tenantSecurity = [{ tenantToken: [] }];
export const adminSecurity = [{ adminToken: [] }];
