import type { DescribeRouteOptions } from "hono-openapi";
import * as z from "zod";
import { healthResponseSchema, issuedTokenResponseSchema, tenantResponseSchema, tokenResponseSchema } from "../../shared/api-schemas";
import { tenantCreateSchema, tenantUpdateSchema } from "../../shared/tenants/tenant-record";
import { tokenIssueSchema } from "../../shared/tenants/token-record";
import { adminSecurity, errors, json, jsonBody } from "./responses";

export const healthDocs: DescribeRouteOptions = {
  tags: ["service"],
  summary: "Service health (no auth, no tenant data)",
  responses: { 200: json(healthResponseSchema, "ok or degraded"), 503: json(healthResponseSchema, "down") },
};

export const metricsDocs: DescribeRouteOptions = {
  tags: ["service"],
  summary: "Prometheus metrics",
  security: adminSecurity,
  responses: {
    200: { description: "Prometheus text format 0.0.4", content: { "text/plain": { schema: { type: "string" } } } },
    ...errors(401),
  },
};

const tenantId = { name: "id", in: "path" as const, required: true, schema: { type: "string" as const } };
const tokenId = { name: "tokenId", in: "path" as const, required: true, schema: { type: "string" as const } };

export const createTenantDocs: DescribeRouteOptions = {
  tags: ["admin"],
  summary: "Create a tenant",
  security: adminSecurity,
  requestBody: jsonBody(tenantCreateSchema),
  responses: { 201: json(tenantResponseSchema, "Created"), ...errors(400, 401, 409, 413, 415) },
};

export const listTenantsDocs: DescribeRouteOptions = {
  tags: ["admin"],
  summary: "List tenants",
  security: adminSecurity,
  responses: { 200: json(z.object({ tenants: z.array(tenantResponseSchema) }), "Tenants"), ...errors(401) },
};

export const getTenantDocs: DescribeRouteOptions = {
  tags: ["admin"],
  summary: "Read a tenant",
  security: adminSecurity,
  parameters: [tenantId],
  responses: { 200: json(tenantResponseSchema, "The tenant"), ...errors(401, 404) },
};

export const updateTenantDocs: DescribeRouteOptions = {
  tags: ["admin"],
  summary: "Update a tenant, or disable and enable it with `status`",
  security: adminSecurity,
  requestBody: jsonBody(tenantUpdateSchema),
  parameters: [tenantId],
  responses: { 200: json(tenantResponseSchema, "Updated"), ...errors(400, 401, 404, 413, 415) },
};

export const issueTokenDocs: DescribeRouteOptions = {
  tags: ["admin"],
  summary: "Issue a token (shown in this answer only)",
  security: adminSecurity,
  requestBody: jsonBody(tokenIssueSchema),
  parameters: [tenantId],
  responses: { 201: json(issuedTokenResponseSchema, "Issued"), ...errors(400, 401, 404, 413, 415) },
};

export const listTokensDocs: DescribeRouteOptions = {
  tags: ["admin"],
  summary: "List a tenant's tokens (never the tokens themselves)",
  security: adminSecurity,
  parameters: [tenantId],
  responses: { 200: json(z.object({ tokens: z.array(tokenResponseSchema) }), "Tokens"), ...errors(401, 404) },
};

export const revokeTokenDocs: DescribeRouteOptions = {
  tags: ["admin"],
  summary: "Revoke a token",
  security: adminSecurity,
  parameters: [tenantId, tokenId],
  responses: { 204: { description: "Revoked" }, ...errors(401, 404) },
};

export const rotateTokenDocs: DescribeRouteOptions = {
  tags: ["admin"],
  summary: "Replace a token with a new one of the same settings; the old one is revoked",
  security: adminSecurity,
  parameters: [tenantId, tokenId],
  responses: { 201: json(issuedTokenResponseSchema, "The new token"), ...errors(401, 404) },
};
