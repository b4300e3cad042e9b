import * as z from "zod";
import {
  batchResponseSchema,
  errorResponseSchema,
  invalidateResponseSchema,
  statsResponseSchema,
  storedResponseSchema,
} from "../../shared/api-schemas";
import { envSchema } from "../../shared/env";
import { lifetimePoliciesSchema } from "../../shared/lifetimes/lifetime-policy";
import { effectiveLimits } from "../../shared/limits/effective-limits";
import { batchBodySchema, invalidateBodySchema } from "../../shared/schemas";
import type { OperationDocs, ParameterDocs, ResponseDocs } from "./operation";
import { errors, json, jsonBody, tenantSecurity } from "./responses";

const keyParameter: ParameterDocs = {
  name: "key",
  in: "path",
  required: true,
  description: "1 to 512 bytes of UTF-8, percent-encoded; any character allowed, `/` included",
  schema: { type: "string" },
};
const valueResponse: ResponseDocs = {
  description: "The value, with the content type it was stored with",
  headers: {
    "X-Cache": { description: "HIT-L1, HIT-L2 or STALE", schema: { type: "string" } },
    ETag: { schema: { type: "string" } },
    Age: { schema: { type: "integer" } },
    "Cache-Control": { description: "private, max-age=<fresh seconds left>", schema: { type: "string" } },
  },
  content: { "*/*": { schema: { type: "string", format: "binary" } } },
};

/** /v1/cache, /v1/batch, /v1/invalidate, /v1/export and /v1/stats. */
export function cacheOperations(): OperationDocs[] {
  return [
    {
      method: "put",
      path: "/v1/cache/{key}",
      tags: ["cache"],
      summary: "Store a value",
      description: "The body is the value, any bytes; its Content-Type is stored and returned as is. Scope: write.",
      security: tenantSecurity,
      parameters: [
        keyParameter,
        {
          name: "ttl",
          in: "query",
          description: "Seconds fresh (default and bounds from config and tenant)",
          schema: { type: "integer", minimum: 1 },
        },
        {
          name: "swr",
          in: "query",
          description: "Seconds a stale copy may still be served after that",
          schema: { type: "integer", minimum: 0 },
        },
        { name: "tags", in: "query", description: "Comma-separated tags, for invalidation", schema: { type: "string" } },
        { name: "If-None-Match", in: "header", description: "`*`: store only if absent", schema: { type: "string", enum: ["*"] } },
      ],
      requestBody: { required: true, content: { "*/*": { schema: { type: "string", format: "binary" } } } },
      responses: {
        201: json(storedResponseSchema, "Stored in Redis"),
        202: json(storedResponseSchema, "Redis unavailable: stored in this isolate's memory only"),
        ...errors(400, 401, 403, 412, 429),
        413: json(
          errorResponseSchema,
          "Over the value size limit (`payload_too_large`), or the write would take the tenant's entries in Redis past its storage budget (`storage_full`); nothing was stored",
        ),
      },
    },
    {
      method: "get",
      path: "/v1/cache/{key}",
      tags: ["cache"],
      summary: "Read a value",
      description: "HEAD answers the same headers without the body. Scope: read.",
      security: tenantSecurity,
      parameters: [keyParameter, { name: "If-None-Match", in: "header", schema: { type: "string" } }],
      responses: {
        200: valueResponse,
        304: { description: "The ETag given in If-None-Match is current" },
        ...errors(400, 401, 403, 404, 429, 503),
      },
    },
    {
      method: "delete",
      path: "/v1/cache/{key}",
      tags: ["cache"],
      summary: "Delete a value (idempotent)",
      security: tenantSecurity,
      parameters: [keyParameter],
      description:
        "Leaves a tombstone for TOMBSTONE_SECONDS (default 300), so a write created before the delete but delivered after it does not bring the key back. Scope: write.",
      responses: { 204: { description: "Deleted, or was not there" }, ...errors(400, 401, 403, 429, 503) },
    },
    {
      method: "delete",
      path: "/v1/cache",
      tags: ["cache"],
      summary: "Clear every entry of the calling tenant",
      security: tenantSecurity,
      responses: { 204: { description: "Cleared" }, ...errors(401, 403, 429, 503) },
    },
    {
      method: "post",
      path: "/v1/batch",
      tags: ["cache"],
      summary: "Many gets, sets and deletes in one Redis round trip",
      description:
        "Gets run first, then sets, then deletes. A set that would take the tenant past its storage budget fails alone, with `storage_full`. Scopes: read for gets, write for sets and deletes.",
      security: tenantSecurity,
      // Bounds as configured by default; a deployment's env may set others.
      requestBody: jsonBody(batchBodySchema(effectiveLimits(envSchema.parse({})))),
      responses: {
        200: json(batchResponseSchema, "One result per operation, in request order"),
        ...errors(400, 401, 403, 413, 415, 429),
      },
    },
    {
      method: "post",
      path: "/v1/invalidate",
      tags: ["cache"],
      summary: "Invalidate every entry carrying one of the tags or whose key starts with one of the prefixes",
      description:
        "O(1) in the number of entries: watermarks every read checks. Prefixes are plain bytes (`*`, `?`, `[` match themselves) and never empty. A tenant's prefix invalidations use at most 32 distinct prefix lengths at a time (409 `too_many_prefix_lengths` past them); lengths age out with their invalidations.",
      security: tenantSecurity,
      requestBody: jsonBody(invalidateBodySchema),
      responses: { 200: json(invalidateResponseSchema, "Invalidated"), ...errors(400, 401, 403, 409, 413, 415, 429, 503) },
    },
    {
      method: "get",
      path: "/v1/stats",
      tags: ["cache"],
      summary: "The tenant's counters over all isolates",
      description: "Also the tenant's Redis storage use against its budget, and its share of the answering isolate's L1. Scope: manage.",
      security: tenantSecurity,
      responses: { 200: json(statsResponseSchema, "Counters"), ...errors(401, 403, 429) },
    },
    {
      method: "get",
      path: "/v1/export",
      tags: ["cache"],
      summary: "A page of the tenant's live entries, as NDJSON",
      description:
        'One line per entry: {"key","value","encoding":"utf8"|"base64","contentType","ttl","swr","tags"}. Follow `X-Next-Cursor` until it is absent. Needs Redis (501 `redis_required` in memory-only mode). Scope: manage.',
      security: tenantSecurity,
      parameters: [
        { name: "cursor", in: "query", schema: { type: "string" } },
        {
          name: "count",
          in: "query",
          description: "Entries wanted per page (1-1000)",
          schema: { type: "integer", minimum: 1, maximum: 1000 },
        },
      ],
      responses: {
        200: {
          description: "Entries, one JSON object per line",
          headers: { "X-Next-Cursor": { description: "Where the next page starts; absent on the last page", schema: { type: "string" } } },
          content: { "application/x-ndjson": { schema: { type: "string" } } },
        },
        ...errors(400, 401, 403, 429, 501, 503),
      },
    },
    ...lifetimePolicyOperations(),
  ];
}

/** GET and PUT /v1/policies/lifetimes. */
function lifetimePolicyOperations(): OperationDocs[] {
  const policies = z.object({ policies: lifetimePoliciesSchema(effectiveLimits(envSchema.parse({}))) }).meta({ id: "LifetimePolicies" });
  const description =
    "Ordered: a write without its own `ttl` (PUT, batch sets, imports, warm-plan targets, read-through fills, refresh-ahead) takes the first policy whose `prefix` or `glob` (`*`, `?`, `\\` escapes) and optional `contentType` match, and within it the first `window` open at the write (IANA `timeZone`, `days`, `from`-`to` possibly past midnight, `closed` dates); else a warm plan's lifetime; else the tenant's default. Clamped by the tenant's limits. Kept in the tenant record: applied by every isolate within TOKEN_CACHE_SECONDS. Scope: manage.";
  return [
    {
      method: "get",
      path: "/v1/policies/lifetimes",
      tags: ["cache"],
      summary: "The tenant's lifetime policies",
      description,
      security: tenantSecurity,
      responses: { 200: json(policies, "Policies"), ...errors(401, 403, 429) },
    },
    {
      method: "put",
      path: "/v1/policies/lifetimes",
      tags: ["cache"],
      summary: "Replace the tenant's lifetime policies",
      description,
      security: tenantSecurity,
      requestBody: jsonBody(policies),
      responses: { 200: json(policies, "Policies saved"), ...errors(400, 401, 403, 409, 413, 415, 429, 503) },
    },
  ];
}
