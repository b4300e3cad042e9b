import * as z from "zod";

/**
 * The shapes of the API's JSON responses, for the OpenAPI document and the tests that hold the
 * handlers to it. Requests are described by the schemas in schemas.ts and tenants/.
 */

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: "Stable, machine-readable; clients switch on it" }),
      message: z.string().meta({ description: "For people; never contains request data" }),
    }),
  })
  .meta({ id: "Error" });

export const storedResponseSchema = z
  .object({
    stored: z
      .enum(["redis", "memory"])
      .meta({ description: "`memory`: Redis was unavailable; only the isolate that answered holds the value" }),
    etag: z.string(),
  })
  .meta({ id: "Stored" });

const batchGetResultSchema = z.object({
  key: z.string(),
  status: z.enum(["hit", "stale", "miss", "error"]),
  tier: z.enum(["l1", "l2"]).optional(),
  value: z.string().optional(),
  encoding: z.enum(["utf8", "base64"]).optional(),
  contentType: z.string().optional(),
  etag: z.string().optional(),
  ttl: z.number().int().optional().meta({ description: "Seconds of freshness left" }),
  error: errorResponseSchema.shape.error.optional(),
});

export const batchResponseSchema = z
  .object({
    get: z.array(batchGetResultSchema),
    set: z.array(
      z.object({
        key: z.string(),
        status: z.enum(["stored", "exists", "error"]),
        stored: z.enum(["redis", "memory"]).optional(),
        etag: z.string().optional(),
        error: errorResponseSchema.shape.error.optional(),
      }),
    ),
    delete: z.array(z.object({ key: z.string(), status: z.enum(["deleted", "error"]), error: errorResponseSchema.shape.error.optional() })),
  })
  .meta({ id: "BatchResults" });

const countersSchema = z.object({
  l1Hits: z.number(),
  l2Hits: z.number(),
  staleServed: z.number(),
  misses: z.number(),
  sets: z.number(),
  deletes: z.number(),
  errors: z.number(),
  memoryOnlyWrites: z.number(),
  bytesIn: z.number(),
  bytesOut: z.number(),
  tagInvalidations: z.number().meta({ description: "Tags invalidated (each tag of each POST /v1/invalidate)" }),
  prefixInvalidations: z.number().meta({ description: "Key prefixes invalidated (each prefix of each POST /v1/invalidate)" }),
});

export const statsResponseSchema = z
  .object({
    tenant: z.string(),
    complete: z.boolean().meta({ description: "false: Redis could not be read; only this isolate's counts are included" }),
    counters: countersSchema,
    hitRatio: z.number().nullable(),
    storage: z
      .object({
        usedBytes: z
          .number()
          .nullable()
          .meta({ description: "Bytes the tenant's entries hold in Redis (approximate); null when Redis could not be read" }),
        budgetBytes: z
          .number()
          .nullable()
          .meta({ description: "The tenant's Redis storage budget; writes past it answer 413 `storage_full`" }),
      })
      .meta({ description: "Both null in memory-only mode: there is no Redis to fill (the L1 has its own byte budget)" }),
    l1: z.object({ entries: z.number(), bytes: z.number(), isolateBudgetBytes: z.number() }),
  })
  .meta({ id: "Stats" });

const backfillSchema = z
  .object({
    cursor: z.string().meta({ description: 'Where the next SCAN step of the database moved from starts ("0": the start)' }),
    copied: z.number().int(),
    skippedNewer: z.number().int().meta({ description: "Left because the new database holds the same entry or a newer one" }),
    hidden: z.number().int().meta({ description: "Not copied: deleted, cleared, invalidated or expired" }),
    failed: z.number().int(),
    controlKeys: z.number().int().meta({ description: "Tenants, tokens, indexes, warm plans and stats keys merged" }),
    passes: z.number().int(),
    done: z.boolean().meta({ description: "A pass ended with no write missed by the new database since it began" }),
    updatedAt: z.number().int().nullable(),
  })
  .nullable()
  .meta({ description: "null when the new database could not be read" });

export const l2MigrationSchema = z
  .object({
    phase: z.enum(["off", "dual-write", "read-new", "new-only"]),
    backfill: backfillSchema,
    isolate: z
      .object({
        fallbacks: z.number().int().meta({ description: "Reads the new database missed that asked the current one (read-new)" }),
        promotions: z.number().int().meta({ description: "Entries those reads copied into the new database" }),
        secondaryMisses: z
          .number()
          .int()
          .meta({ description: "Writes the second database did not take; each asks the backfill for another pass" }),
      })
      .nullable()
      .meta({ description: "This isolate's counts since it started" }),
  })
  .meta({ id: "L2Migration", description: "A live move between two L2 databases (README: Moving to another L2 database)" });

export const healthResponseSchema = z
  .object({
    status: z.enum(["ok", "degraded", "down"]),
    store: z.enum(["redis", "memory"]),
    redis: z
      .object({ reachable: z.boolean(), latencyMs: z.number().nullable(), circuit: z.enum(["closed", "open", "half-open"]) })
      .nullable(),
    l1: z.object({ entries: z.number(), bytes: z.number(), budgetBytes: z.number() }),
    migration: l2MigrationSchema.nullable().meta({ description: "null unless L2_MIGRATION_PHASE is set" }),
    off: z
      .array(z.string())
      .meta({ description: "What this deployment cannot do in its mode: empty with Redis; in memory-only mode, what needs Redis" }),
    version: z.string(),
  })
  .meta({ id: "Health" });

export const invalidateResponseSchema = z
  .object({
    invalidated: z.array(z.string()).meta({ description: "The tags invalidated, once each" }),
    invalidatedPrefixes: z.array(z.string()).meta({ description: "The key prefixes invalidated, once each" }),
  })
  .meta({ id: "Invalidated" });

const rateLimitSchema = z.object({ requests: z.number().int(), windowSeconds: z.number().int() });

export const tenantResponseSchema = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    status: z.enum(["active", "disabled"]),
    limits: z.object({
      maxValueBytes: z.number().int().optional(),
      defaultTtlSeconds: z.number().int().optional(),
      maxTtlSeconds: z.number().int().optional(),
      rateLimit: rateLimitSchema.optional(),
    }),
    allowedOrigins: z.array(z.string()),
    originHosts: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Tenant" });

export const limitsResponseSchema = z
  .object({
    maxValueBytes: z.number().int(),
    defaultTtlSeconds: z.number().int(),
    maxTtlSeconds: z.number().int(),
    maxSwrSeconds: z.number().int(),
    maxBatchOperations: z.number().int(),
    maxBatchBodyBytes: z.number().int(),
    storageBytes: z.number().int(),
    warmPlans: z.number().int(),
    warmTargetsPerPlan: z.number().int(),
    warmPlanBytes: z.number().int(),
  })
  .meta({ id: "Limits", description: "The limits a tenant's requests are held to: its own, capped by the deployment's" });

export const tokenResponseSchema = z
  .object({
    id: z.string(),
    tenant: z.string(),
    name: z.string().optional(),
    scopes: z.array(z.enum(["read", "write", "manage"])),
    hint: z.string().meta({ description: "The first characters of the token, to recognise it" }),
    allowedOrigins: z.array(z.string()).optional(),
    rateLimit: rateLimitSchema.optional(),
    createdAt: z.string(),
    expiresAt: z.string().optional(),
    revokedAt: z.string().optional(),
  })
  .meta({ id: "Token" });

export const issuedTokenResponseSchema = tokenResponseSchema
  .extend({ token: z.string().meta({ description: "The token itself, shown in this answer only" }) })
  .meta({ id: "IssuedToken" });
