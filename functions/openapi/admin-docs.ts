import * as z from "zod";
import {
  healthResponseSchema,
  issuedTokenResponseSchema,
  l2MigrationSchema,
  limitsResponseSchema,
  tenantResponseSchema,
  tokenResponseSchema,
} from "../../shared/api-schemas";
import { diagnosticsResponseSchema } from "../../shared/diagnostics/diagnostics-report";
import { reindexPageSchema, reindexRequestSchema } from "../../shared/reindex";
import { tenantDeletionPageSchema } from "../../shared/tenants/tenant-deletion";
import { tenantCreateSchema, tenantUpdateSchema } from "../../shared/tenants/tenant-record";
import { tokenIssueSchema } from "../../shared/tenants/token-record";
import type { OperationDocs, ParameterDocs } from "./operation";
import { adminSecurity, errors, json, jsonBody } from "./responses";

/** /health and /metrics. */
export function serviceOperations(): OperationDocs[] {
  return [
    {
      method: "get",
      path: "/health",
      tags: ["service"],
      summary: "Service health (no auth, no tenant data)",
      responses: { 200: json(healthResponseSchema, "ok or degraded"), 503: json(healthResponseSchema, "down") },
    },
    {
      method: "get",
      path: "/metrics",
      tags: ["service"],
      summary: "Prometheus metrics",
      security: adminSecurity,
      responses: {
        200: { description: "Prometheus text format 0.0.4", content: { "text/plain": { schema: { type: "string" } } } },
        ...errors(401),
      },
    },
  ];
}

const tenantId: ParameterDocs = { name: "id", in: "path", required: true, schema: { type: "string" } };
const tokenId: ParameterDocs = { name: "tokenId", in: "path", required: true, schema: { type: "string" } };

/** /admin/tenants and their tokens, and /admin/maintenance. */
export function adminOperations(): OperationDocs[] {
  return [
    {
      method: "post",
      path: "/admin/tenants",
      tags: ["admin"],
      summary: "Create a tenant",
      security: adminSecurity,
      requestBody: jsonBody(tenantCreateSchema),
      responses: { 201: json(tenantResponseSchema, "Created"), ...errors(400, 401, 409, 413, 415) },
    },
    {
      method: "get",
      path: "/admin/tenants",
      tags: ["admin"],
      summary: "List tenants",
      security: adminSecurity,
      responses: { 200: json(z.object({ tenants: z.array(tenantResponseSchema) }), "Tenants"), ...errors(401) },
    },
    {
      method: "get",
      path: "/admin/tenants/{id}",
      tags: ["admin"],
      summary: "Read a tenant",
      security: adminSecurity,
      parameters: [tenantId],
      responses: { 200: json(tenantResponseSchema, "The tenant"), ...errors(401, 404) },
    },
    {
      method: "patch",
      path: "/admin/tenants/{id}",
      tags: ["admin"],
      summary: "Update a tenant, or disable and enable it with `status`",
      security: adminSecurity,
      requestBody: jsonBody(tenantUpdateSchema),
      parameters: [tenantId],
      responses: { 200: json(tenantResponseSchema, "Updated"), ...errors(400, 401, 404, 413, 415) },
    },
    {
      method: "delete",
      path: "/admin/tenants/{id}",
      tags: ["admin"],
      summary: "Delete a tenant and, page by page, every key it has",
      description:
        "The first call removes the tenant's record, its tokens and its origins from the CORS index in one step, and hides its " +
        "entries: no token of it authenticates and no preflight passes for it, in every isolate within TOKEN_CACHE_SECONDS. " +
        "Each call then sweeps one page of the tenant's keys (entries, meta, stats, storage use, warm plans and runs). Repeat " +
        "with each answer's `cursor` until `done` is true; when an answer has `retryAfterMs`, wait that long first. Until done, " +
        "the id cannot be created again (409). Memory-only: done in the first call. An id with no tenant and no purge: 404, so " +
        "a DELETE repeated after done is 404 too.",
      security: adminSecurity,
      parameters: [
        tenantId,
        { name: "cursor", in: "query", description: "From the previous answer; absent on the first call", schema: { type: "string" } },
        {
          name: "count",
          in: "query",
          description: "Keys a page gathers before deleting them (1-1000, default 500)",
          schema: { type: "integer", minimum: 1, maximum: 1000 },
        },
      ],
      responses: { 200: json(tenantDeletionPageSchema, "One page done"), ...errors(400, 401, 404, 409, 503) },
    },
    {
      method: "get",
      path: "/admin/limits",
      tags: ["admin"],
      summary: "The limits a tenant created now would have (the deployment's defaults)",
      security: adminSecurity,
      responses: { 200: json(limitsResponseSchema, "The limits"), ...errors(401) },
    },
    {
      method: "get",
      path: "/admin/l2-migration",
      tags: ["admin"],
      summary: "A live move between two L2 databases: phase, backfill progress, this isolate's fallbacks and promotions",
      security: adminSecurity,
      responses: { 200: json(l2MigrationSchema, "Where the move stands (`phase: off` when none)"), ...errors(401) },
    },
    {
      method: "get",
      path: "/admin/diagnostics",
      tags: ["admin"],
      summary: "The server's clock, which secrets are set (never their values) and when each cron trigger last ran",
      description:
        "For deployment checks (`npm run doctor`). `scheduled` maps each cron expression that reached the scheduled handler to its " +
        "latest tick (epoch ms); it is null in a memory-only deployment, which has nowhere to record ticks.",
      security: adminSecurity,
      responses: { 200: json(diagnosticsResponseSchema, "Diagnostics"), ...errors(401, 503) },
    },
    {
      method: "get",
      path: "/admin/tenants/{id}/limits",
      tags: ["admin"],
      summary: "A tenant's effective limits: its own, capped by the deployment's",
      security: adminSecurity,
      parameters: [tenantId],
      responses: { 200: json(limitsResponseSchema, "The limits"), ...errors(401, 404) },
    },
    {
      method: "post",
      path: "/admin/tenants/{id}/tokens",
      tags: ["admin"],
      summary: "Issue a token (shown in this answer only)",
      security: adminSecurity,
      requestBody: jsonBody(tokenIssueSchema),
      parameters: [tenantId],
      responses: { 201: json(issuedTokenResponseSchema, "Issued"), ...errors(400, 401, 404, 413, 415) },
    },
    {
      method: "get",
      path: "/admin/tenants/{id}/tokens",
      tags: ["admin"],
      summary: "List a tenant's tokens (never the tokens themselves)",
      security: adminSecurity,
      parameters: [tenantId],
      responses: { 200: json(z.object({ tokens: z.array(tokenResponseSchema) }), "Tokens"), ...errors(401, 404) },
    },
    {
      method: "delete",
      path: "/admin/tenants/{id}/tokens/{tokenId}",
      tags: ["admin"],
      summary: "Revoke a token",
      security: adminSecurity,
      parameters: [tenantId, tokenId],
      responses: { 204: { description: "Revoked" }, ...errors(401, 404) },
    },
    {
      method: "post",
      path: "/admin/tenants/{id}/tokens/{tokenId}/rotate",
      tags: ["admin"],
      summary: "Replace a token with a new one of the same settings; the old one is revoked",
      security: adminSecurity,
      parameters: [tenantId, tokenId],
      responses: { 201: json(issuedTokenResponseSchema, "The new token"), ...errors(401, 404) },
    },
    {
      method: "post",
      path: "/admin/maintenance/reindex",
      tags: ["admin"],
      summary: "Rebuild one page of an index from the stored records",
      description:
        "`cors`: the index of allowed browser origins that CORS preflights read. `warm`: the due and read-through indexes of warm plans. " +
        "Start with no cursor, then send each answer's `cursor` until `done` is true. Needed once after upgrading a deployment whose " +
        "tenants or plans predate the index; idempotent, so a page may be repeated.",
      security: adminSecurity,
      requestBody: jsonBody(reindexRequestSchema),
      responses: { 200: json(reindexPageSchema, "One page rebuilt"), ...errors(400, 401, 413, 415, 503) },
    },
  ];
}
