import * as z from "zod";
import { isValidKey } from "../cache/keys";
import type { Config } from "../env";
import { MAX_TAGS_PER_ENTRY, tagSchema } from "../schemas";
import { WARM_CEILINGS } from "../tenants/tenant-record";
import { DECLARED_CRONS, type DeclaredCron, resolveSchedule, SCHEDULE_INTERVALS } from "./schedules";
import { type TtlRule, ttlRuleSchema } from "./ttl-rules";

/** Plan names become part of Redis keys (redis/key-layout.ts): no `:`, nothing that needs escaping. */
export const PLAN_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/**
 * Keys one plan may warm, after templates are expanded, whatever the tenant: its own cap
 * (EffectiveLimits.warmTargetsPerPlan, at most this) is checked after parsing (`countTargets`).
 */
const TARGETS_CEILING = WARM_CEILINGS.targetsPerPlan;
export const MAX_ORIGIN_HEADERS = 20;

// The warmer sets these itself: a plan must not be able to override them.
const RESERVED_HEADERS = new Set(["host", "content-length", "if-none-match", "if-modified-since", "connection", "transfer-encoding"]);

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/;

const headersSchema = z
  .record(
    z.string(),
    z
      .string()
      .max(4096)
      .regex(/^[\t\x20-\x7e]*$/, "header values are printable ASCII"),
  )
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > MAX_ORIGIN_HEADERS) ctx.addIssue({ code: "custom", message: `at most ${MAX_ORIGIN_HEADERS} headers` });
    for (const name of names) {
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: "custom", path: [name], message: "header names are HTTP tokens" });
      else if (RESERVED_HEADERS.has(name.toLowerCase()))
        ctx.addIssue({ code: "custom", path: [name], message: "this header is set by the warmer" });
    }
  });

const httpUrl = z.url({ protocol: /^https?$/, error: "url must be an absolute http(s) URL" });
const cacheKey = z.string().refine(isValidKey, "keys are 1 to 512 bytes of UTF-8");

function buildPlanSchema(config: Config) {
  const ttl = z.int().min(1).max(config.MAX_TTL_SECONDS);
  const swr = z.int().min(0).max(config.MAX_SWR_SECONDS);
  const perTarget = {
    ttl: ttl.optional(),
    swr: swr.optional(),
    tags: z.array(tagSchema).max(MAX_TAGS_PER_ENTRY).default([]),
    headers: headersSchema.default({}),
  };
  const single = z.strictObject({ key: cacheKey, url: httpUrl, ...perTarget });
  const templated = z.strictObject({
    urlTemplate: z
      .string()
      .refine((t) => t.includes("{key}"), "urlTemplate must contain {key}")
      .refine((t) => httpUrl.safeParse(t.replaceAll("{key}", "k")).success, "urlTemplate must be an absolute http(s) URL"),
    keys: z.array(cacheKey).min(1).max(TARGETS_CEILING, `a plan warms at most ${TARGETS_CEILING} keys`),
    ...perTarget,
  });
  // Chosen by shape rather than z.union, whose error would only say "Invalid input".
  const target = z.unknown().transform((value, ctx): z.output<typeof single> | z.output<typeof templated> => {
    const isTemplate = typeof value === "object" && value !== null && "urlTemplate" in value;
    const result = (isTemplate ? templated : single).safeParse(value);
    if (result.success) return result.data;
    for (const issue of result.error.issues) ctx.addIssue({ code: "custom", message: issue.message, path: issue.path });
    return z.NEVER;
  });
  return z
    .strictObject({
      schedule: z.string().transform((value, ctx) => {
        const cron = resolveSchedule(value);
        if (cron) return cron;
        ctx.addIssue({
          code: "custom",
          message: `schedule must be one of ${[...Object.keys(SCHEDULE_INTERVALS), ...DECLARED_CRONS].join(", ")} (the declared cron triggers)`,
        });
        return z.NEVER;
      }),
      targets: z.array(target).min(1).max(TARGETS_CEILING),
      /** Among the tenant's own due plans, higher runs first; never weighed against other tenants' plans. */
      priority: z.int().min(0).max(100).default(0),
      ttl: ttl.default(config.DEFAULT_TTL_SECONDS),
      swr: swr.default(0),
      ttlRules: z.array(ttlRuleSchema(config.MAX_TTL_SECONDS, config.MAX_SWR_SECONDS)).max(10).default([]),
      limits: z
        .strictObject({
          /** Origin fetches in flight at once; Workers allow 6 open connections per invocation. */
          concurrency: z.int().min(1).max(6).default(4),
          /** Retries of one origin fetch after a network error, a timeout, a 429 or a 5xx. */
          retries: z.int().min(0).max(3).default(1),
          timeoutMs: z.int().min(100).max(30_000).default(5000),
          maxBytes: z.int().min(1).max(config.MAX_VALUE_BYTES).default(config.MAX_VALUE_BYTES),
          /** Targets written per pipelined Redis request. */
          batchSize: z.int().min(1).max(100).default(20),
          /** When set, a target whose entry stays fresh longer than this is skipped, not refetched. */
          refreshWithinSeconds: z.int().min(0).max(config.MAX_TTL_SECONDS).optional(),
        })
        .prefault({}),
    })
    .refine((plan) => countTargets(plan.targets) <= TARGETS_CEILING, `a plan warms at most ${TARGETS_CEILING} keys`);
}

const schemas = new WeakMap<Config, ReturnType<typeof buildPlanSchema>>();

/** The body of `PUT /v1/warm/plans/{name}`, bounded by config; built once per config. */
export function planSchema(config: Config) {
  let schema = schemas.get(config);
  if (!schema) {
    schema = buildPlanSchema(config);
    schemas.set(config, schema);
  }
  return schema;
}

export type PlanInput = z.output<ReturnType<typeof buildPlanSchema>>;

/** A plan as stored in Redis: the validated input with its name and schedule normalised. */
export interface WarmPlan extends Omit<PlanInput, "schedule" | "ttlRules"> {
  name: string;
  schedule: DeclaredCron;
  ttlRules: TtlRule[];
  updatedAt: number;
}

/** One key to warm from one URL. */
export interface WarmTarget {
  key: string;
  url: string;
  ttl?: number | undefined;
  swr?: number | undefined;
  tags: string[];
  headers: Record<string, string>;
}

/** Keys a plan warms, templates expanded. */
export function countTargets(targets: readonly ({ key: string } | { keys: readonly string[] })[]): number {
  return targets.reduce((sum, target) => sum + ("keys" in target ? target.keys.length : 1), 0);
}

/** The plan's targets in a stable order, which is what a cursor indexes into. */
export function expandTargets(plan: Pick<WarmPlan, "targets">): WarmTarget[] {
  return plan.targets.flatMap((target): WarmTarget[] => {
    const { ttl, swr, tags, headers } = target;
    if ("key" in target) return [{ key: target.key, url: target.url, ttl, swr, tags, headers }];
    return target.keys.map((key) => ({
      key,
      url: target.urlTemplate.replaceAll("{key}", encodeURIComponent(key)),
      ttl,
      swr,
      tags,
      headers,
    }));
  });
}
