import * as z from "zod";
import { isValidKey } from "../cache/keys";
import { type TimeWindow, timeWindowShape, windowOpen } from "./time-window";

/**
 * A tenant's rule for how long what it writes lives, when a write does not say: the keys it
 * covers (a prefix or a glob, optionally one content type), a lifetime, and lifetimes for time
 * windows (market hours, nights) that take precedence while open.
 */
export interface LifetimePolicy {
  /** Keys starting with these bytes. Exactly one of `prefix` and `glob`. */
  prefix?: string | undefined;
  /** Keys matching this glob: `*` any run of characters, `?` one, `\` escapes the next. */
  glob?: string | undefined;
  /** Only values of this media type (`application/json`), or family (`image/*`). */
  contentType?: string | undefined;
  ttl: number;
  swr?: number | undefined;
  /** The first window open at the write gives its lifetime instead. */
  windows?: readonly (TimeWindow & { ttl: number; swr?: number | undefined })[] | undefined;
}

export interface Lifetime {
  ttlSeconds: number;
  swrSeconds: number;
}

/** Policies one tenant may have, and windows one policy may have. */
export const MAX_LIFETIME_POLICIES = 50;
export const MAX_POLICY_WINDOWS = 10;

export function policyMatches(policy: LifetimePolicy, key: string, contentType: string): boolean {
  if (policy.prefix !== undefined && !key.startsWith(policy.prefix)) return false;
  if (policy.glob !== undefined && !globMatches(policy.glob, key)) return false;
  return policy.contentType === undefined || contentTypeMatches(policy.contentType, contentType);
}

/** The policy's lifetime at `at`: its first open window's (a window without swr keeps the policy's), else its own. */
export function policyLifetime(policy: Pick<LifetimePolicy, "ttl" | "swr" | "windows">, at: number): Lifetime {
  const window = policy.windows?.find((candidate) => windowOpen(candidate, at));
  return { ttlSeconds: window?.ttl ?? policy.ttl, swrSeconds: window?.swr ?? policy.swr ?? 0 };
}

const mediaType = (contentType: string) => (contentType.split(";", 1)[0] ?? "").trim().toLowerCase();

function contentTypeMatches(pattern: string, contentType: string): boolean {
  const wanted = mediaType(pattern);
  const actual = mediaType(contentType);
  return wanted.endsWith("/*") ? actual.startsWith(wanted.slice(0, -1)) : actual === wanted;
}

// Compiled once per pattern: policies are matched on every write.
const compiled = new Map<string, RegExp>();
const MAX_COMPILED = 1000;

/** `*` any run of characters (`/` included), `?` one character, `\x` the character x. */
export function globMatches(glob: string, key: string): boolean {
  let pattern = compiled.get(glob);
  if (!pattern) {
    let source = "";
    for (let i = 0; i < glob.length; i++) {
      const char = glob[i] as string;
      if (char === "\\" && i + 1 < glob.length) source += escapeRegExp(glob[++i] as string);
      else if (char === "*") source += "[\\s\\S]*";
      else if (char === "?") source += "[\\s\\S]";
      else source += escapeRegExp(char);
    }
    pattern = new RegExp(`^${source}$`, "u");
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(glob, pattern);
  }
  return pattern.test(key);
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

const contentTypeSchema = z
  .string()
  .regex(/^[a-z0-9!#$&^_.+-]+\/(\*|[a-z0-9!#$&^_.+-]+)$/i, "contentType is a media type (application/json) or a family (image/*)");

/** One tenant's policies, within the deployment's lifetime limits. */
export const lifetimePoliciesSchema = (limits: { maxTtlSeconds: number; maxSwrSeconds: number }) => {
  const ttl = z.int().min(1).max(limits.maxTtlSeconds, `ttl must be at most ${limits.maxTtlSeconds} seconds`);
  const swr = z.int().min(0).max(limits.maxSwrSeconds, `swr must be at most ${limits.maxSwrSeconds} seconds`);
  const policy = z
    .strictObject({
      prefix: z.string().refine(isValidKey, "prefix is 1 to 512 bytes of UTF-8").optional(),
      glob: z.string().min(1).max(512).optional(),
      contentType: contentTypeSchema.optional(),
      ttl,
      swr: swr.optional(),
      windows: z
        .array(z.strictObject({ ...timeWindowShape, ttl, swr: swr.optional() }))
        .max(MAX_POLICY_WINDOWS, `at most ${MAX_POLICY_WINDOWS} windows per policy`)
        .optional(),
    })
    .refine((p) => (p.prefix === undefined) !== (p.glob === undefined), "give exactly one of prefix and glob");
  return z.array(policy).max(MAX_LIFETIME_POLICIES, `at most ${MAX_LIFETIME_POLICIES} policies`);
};
