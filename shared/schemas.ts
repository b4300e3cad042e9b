import * as z from "zod";
import { DEFAULT_CONTENT_TYPE } from "./cache/entry";
import { isValidKey, MAX_KEY_BYTES } from "./cache/keys";
import type { EffectiveLimits } from "./limits/effective-limits";

export const MAX_TAGS_PER_ENTRY = 32;
export const MAX_TAG_LENGTH = 128;
export const MAX_CONTENT_TYPE_LENGTH = 255;
export const MAX_TAGS_PER_INVALIDATION = 100;

export const tagSchema = z
  .string()
  .min(1, "tags are 1 to 128 characters")
  .max(MAX_TAG_LENGTH, "tags are 1 to 128 characters")
  .refine((tag) => !tag.includes(",") && tag.isWellFormed(), "tags cannot contain ','");

export const contentTypeSchema = z
  .string()
  .max(MAX_CONTENT_TYPE_LENGTH)
  .regex(/^[\x20-\x7e]*$/, "content type must be printable ASCII")
  .transform((value) => value.trim() || DEFAULT_CONTENT_TYPE);

/** Builds a limit-bounded schema once per distinct set of limits rather than once per request. */
function perLimits<T>(build: (limits: EffectiveLimits) => T): (limits: EffectiveLimits) => T {
  const built = new Map<string, T>();
  return (limits) => {
    // Only what the schemas use: tenants differ in budgets that no schema reads.
    const key = `${limits.maxTtlSeconds}/${limits.defaultTtlSeconds}/${limits.maxSwrSeconds}`;
    let value = built.get(key);
    if (value === undefined) {
      value = build(limits);
      // Tenants share a handful of limit sets; the cap only guards against a pathological spread.
      if (built.size > 1000) built.clear();
      built.set(key, value);
    }
    return value;
  };
}

export const lifetimeSchema = perLimits(buildLifetimeSchema);

function buildLifetimeSchema(limits: EffectiveLimits) {
  return z.object({
    ttl: z.coerce
      .number()
      .int("ttl must be whole seconds")
      .min(1, "ttl must be at least 1 second")
      .max(limits.maxTtlSeconds, `ttl must be at most ${limits.maxTtlSeconds} seconds`)
      // Absent: the tenant's lifetime policies, else its default (lifetimes/resolve-lifetime.ts).
      .optional(),
    swr: z.coerce
      .number()
      .int("swr must be whole seconds")
      .min(0, "swr cannot be negative")
      .max(limits.maxSwrSeconds, `swr must be at most ${limits.maxSwrSeconds} seconds`)
      .optional(),
    tags: z.array(tagSchema).max(MAX_TAGS_PER_ENTRY, `at most ${MAX_TAGS_PER_ENTRY} tags`).default([]),
  });
}

/**
 * A key prefix to invalidate: like a key, 1 to 512 bytes of UTF-8, any characters (`*`, `?`, `[`,
 * `:` and `/` are plain bytes, never patterns). Empty is refused: clearing every entry is
 * `DELETE /v1/cache`, with the `manage` scope.
 */
export const prefixSchema = z
  .string()
  .min(1, "a prefix cannot be empty: DELETE /v1/cache clears every entry (manage scope)")
  .refine(isValidKey, `prefixes are 1 to ${MAX_KEY_BYTES} bytes of UTF-8`);

export const invalidateBodySchema = z
  .strictObject({
    tags: z.array(tagSchema).default([]),
    prefixes: z.array(prefixSchema).default([]),
  })
  .refine(
    ({ tags, prefixes }) => tags.length + prefixes.length >= 1 && tags.length + prefixes.length <= MAX_TAGS_PER_INVALIDATION,
    `give 1 to ${MAX_TAGS_PER_INVALIDATION} tags and prefixes in all`,
  );

export const batchBodySchema = perLimits(buildBatchBodySchema);

function buildBatchBodySchema(limits: EffectiveLimits) {
  const lifetime = lifetimeSchema(limits);
  const key = z.string();
  return z
    .strictObject({
      get: z.array(key).default([]),
      set: z
        .array(
          z.strictObject({
            key,
            value: z.string(),
            encoding: z.enum(["utf8", "base64"]).default("utf8"),
            contentType: contentTypeSchema.optional(),
            ttl: lifetime.shape.ttl,
            swr: lifetime.shape.swr,
            tags: lifetime.shape.tags,
          }),
        )
        .default([]),
      delete: z.array(key).default([]),
    })
    .refine((body) => body.get.length + body.set.length + body.delete.length > 0, "a batch needs at least one operation");
}

export type BatchBody = z.output<ReturnType<typeof buildBatchBodySchema>>;
