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
  windows?: readonly LifetimeWindow[] | undefined;
}

/** A time window and the lifetime it gives while open (a missing swr keeps its policy's). */
export interface LifetimeWindow extends TimeWindow {
  ttl: number;
  swr?: number | undefined;
}

export interface Lifetime {
  ttlSeconds: number;
  swrSeconds: number;
}

/** Policies one tenant may have, and windows one policy may have. */
export const MAX_LIFETIME_POLICIES = 50;
export const MAX_POLICY_WINDOWS = 10;
/** Bounds what matching one write against a tenant's globs can cost (globMatches). */
export const MAX_GLOB_LENGTH = 128;

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

type GlobToken = { kind: "star" } | { kind: "one" } | { kind: "char"; char: string };

// Parsed once per pattern: policies are matched on every write.
const parsed = new Map<string, GlobToken[]>();
const MAX_PARSED = 1000;

function tokensOf(glob: string): GlobToken[] {
  let tokens = parsed.get(glob);
  if (!tokens) {
    tokens = [];
    const chars = [...glob];
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i] as string;
      if (char === "\\" && i + 1 < chars.length) tokens.push({ kind: "char", char: chars[++i] as string });
      else if (char === "*") tokens.push({ kind: "star" });
      else if (char === "?") tokens.push({ kind: "one" });
      else tokens.push({ kind: "char", char });
    }
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(glob, tokens);
  }
  return tokens;
}

/**
 * `*` any run of characters (`/` included), `?` one character, `\x` the character x; by code
 * point. Greedy with one backtrack point (the last `*`), so a tenant's pattern costs at most
 * pattern × key steps: no pattern can make the isolate every tenant shares backtrack
 * exponentially, as a regular expression built from it could.
 */
export function globMatches(glob: string, key: string): boolean {
  const pattern = tokensOf(glob);
  const text = [...key];
  let p = 0;
  let k = 0;
  let star = -1;
  let resume = 0;
  while (k < text.length) {
    const token = pattern[p];
    if (token && (token.kind === "one" || (token.kind === "char" && token.char === text[k]))) {
      p++;
      k++;
    } else if (token?.kind === "star") {
      star = p++;
      resume = k;
    } else if (star >= 0) {
      p = star + 1;
      k = ++resume;
    } else return false;
  }
  while (pattern[p]?.kind === "star") p++;
  return p === pattern.length;
}

const contentTypeSchema = z
  .string()
  .regex(/^[a-z0-9!#$&^_.+-]+\/(\*|[a-z0-9!#$&^_.+-]+)$/i, "contentType is a media type (application/json) or a family (image/*)");

type LifetimeLimits = { maxTtlSeconds: number; maxSwrSeconds: number };

const ttlSchema = (limits: LifetimeLimits) =>
  z.int().min(1).max(limits.maxTtlSeconds, `ttl must be at most ${limits.maxTtlSeconds} seconds`);
const swrSchema = (limits: LifetimeLimits) =>
  z.int().min(0).max(limits.maxSwrSeconds, `swr must be at most ${limits.maxSwrSeconds} seconds`);

/** A window with its lifetime, within the limits: a policy's, or a warm plan's ttlRule. */
export const lifetimeWindowSchema = (limits: LifetimeLimits) =>
  z.strictObject({ ...timeWindowShape, ttl: ttlSchema(limits), swr: swrSchema(limits).optional() });

/** One tenant's policies, within the deployment's lifetime limits. */
export const lifetimePoliciesSchema = (limits: LifetimeLimits) => {
  const ttl = ttlSchema(limits);
  const swr = swrSchema(limits);
  const policy = z
    .strictObject({
      prefix: z.string().refine(isValidKey, "prefix is 1 to 512 bytes of UTF-8").optional(),
      glob: z.string().min(1).max(MAX_GLOB_LENGTH, `glob is at most ${MAX_GLOB_LENGTH} characters`).optional(),
      contentType: contentTypeSchema.optional(),
      ttl,
      swr: swr.optional(),
      windows: z.array(lifetimeWindowSchema(limits)).max(MAX_POLICY_WINDOWS, `at most ${MAX_POLICY_WINDOWS} windows per policy`).optional(),
    })
    .refine((p) => (p.prefix === undefined) !== (p.glob === undefined), "give exactly one of prefix and glob");
  return z.array(policy).max(MAX_LIFETIME_POLICIES, `at most ${MAX_LIFETIME_POLICIES} policies`);
};
