import * as z from "zod";

const seconds = (fallback: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(0).max(max).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalSecret = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

/**
 * Vars and secrets, parsed once per isolate. Every field has the default documented in README.md;
 * wrangler.toml repeats the non-secret ones so `wrangler dev` and production agree.
 */
export const envSchema = z
  .object({
    /** `auto`: Redis when UPSTASH_REDIS_REST_URL is set, else memory-only. */
    EDGE_CACHE_STORE: z.enum(["auto", "redis", "memory"]).default("auto"),
    UPSTASH_REDIS_REST_URL: optionalSecret.pipe(z.url({ protocol: /^https?$/ }).optional()),
    UPSTASH_REDIS_REST_TOKEN: optionalSecret,
    /** The database a live move goes to (README "Moving to another L2 database"). */
    UPSTASH_REDIS_REST_URL_NEXT: optionalSecret.pipe(z.url({ protocol: /^https?$/ }).optional()),
    UPSTASH_REDIS_REST_TOKEN_NEXT: optionalSecret,
    /** Where a move between the two databases stands: off, dual-write, read-new, new-only. */
    L2_MIGRATION_PHASE: z.enum(["off", "dual-write", "read-new", "new-only"]).default("off"),
    ADMIN_TOKEN: optionalSecret.pipe(z.string().min(32).optional()),
    /** Key of the HMAC under which token digests are stored. */
    TOKEN_PEPPER: optionalSecret.pipe(z.string().min(32).optional()),
    /** How long a token verification is reused: the bound on revocation taking effect. */
    TOKEN_CACHE_SECONDS: seconds(5, 300),
    /** How long a rate-limit check may wait on Redis before the per-isolate limiter decides. */
    RATE_LIMIT_TIMEOUT_MS: positiveInt(100),
    /** Subrequests one warm invocation may make: Redis requests and origin fetches, retries included. Workers Free allows 50. */
    WARM_SUBREQUEST_BUDGET: z.coerce.number().int().min(20).max(10_000).default(50),
    /** Least severe log line written: debug, info (a line per request), warn, error, silent. */
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
    /** Let tenants' origins be http, IP literals or loopback names: local development only. */
    ALLOW_PRIVATE_ORIGINS: z
      .enum(["true", "false"])
      .default("false")
      .transform((value) => value === "true"),
    L1_BUDGET_BYTES: positiveInt(32 * 1024 * 1024),
    L1_MAX_TTL_SECONDS: seconds(1, 3600),
    L1_GRACE_SECONDS: seconds(300, 86_400),
    /**
     * Refresh ahead: a copy read this close to the end of its L1 bound is queued for a batched
     * check behind the response (one request for all copies due together). Unset: all of
     * L1_MAX_TTL_SECONDS; 0 turns it off.
     */
    L1_REFRESH_AHEAD_MS: z.coerce.number().int().min(0).max(3_600_000).optional(),
    DEFAULT_TTL_SECONDS: positiveInt(300),
    MAX_TTL_SECONDS: positiveInt(30 * 86_400),
    MAX_SWR_SECONDS: seconds(86_400),
    MAX_VALUE_BYTES: positiveInt(1024 * 1024),
    MAX_BATCH_OPERATIONS: positiveInt(100),
    COMPRESSION_THRESHOLD_BYTES: positiveInt(1024),
    L2_TIMEOUT_MS: positiveInt(1000),
    L2_RETRIES: z.coerce.number().int().min(0).max(5).default(1),
    CIRCUIT_FAILURE_THRESHOLD: positiveInt(3),
    CIRCUIT_COOLDOWN_MS: positiveInt(2000),
    STATS_FLUSH_INTERVAL_MS: positiveInt(5000),
    /**
     * Largest request body the L2 accepts (Upstash: 10 MB). A write whose encoded request would be
     * larger is refused with 413 before anything is sent or stored.
     */
    L2_MAX_REQUEST_BYTES: z.coerce
      .number()
      .int()
      .min(1024 * 1024)
      .max(100_000_000)
      .default(10_000_000),
    /** Default L2 storage budget of a tenant, in bytes (approximate); a tenant's `limits.storageBytes` overrides it. */
    TENANT_STORAGE_BYTES: positiveInt(256 * 1024 * 1024),
    /** How long a delete's tombstone keeps a write created before the delete (delivered late) from bringing the key back. */
    TOMBSTONE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
    /** Default caps on a tenant's warm plans; a tenant's `limits` may raise them up to the hard ceilings. */
    WARM_MAX_PLANS: z.coerce.number().int().min(1).max(1000).default(50),
    WARM_MAX_TARGETS_PER_PLAN: z.coerce.number().int().min(1).max(10_000).default(1000),
    WARM_MAX_PLAN_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(4 * 1024 * 1024)
      .default(256 * 1024),
    /** Most plan runs one cron tick hands out (to the queue, or runs itself): a tick's cost is bounded by this, not by the number of plans. */
    WARM_DISPATCH_PER_TICK: z.coerce.number().int().min(1).max(10_000).default(500),
    /** Failed authentications one client may make per minute in one isolate before it is refused without any lookup. */
    AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(60),
  })
  .superRefine((env, ctx) => {
    if (env.EDGE_CACHE_STORE === "redis" && !env.UPSTASH_REDIS_REST_URL) {
      ctx.addIssue({
        code: "custom",
        path: ["UPSTASH_REDIS_REST_URL"],
        message: "is required when EDGE_CACHE_STORE is redis",
      });
    }
    if (env.UPSTASH_REDIS_REST_URL && !env.UPSTASH_REDIS_REST_TOKEN) {
      ctx.addIssue({
        code: "custom",
        path: ["UPSTASH_REDIS_REST_TOKEN"],
        message: "is required when UPSTASH_REDIS_REST_URL is set",
      });
    }
    checkMigration(env, ctx);
    // A value is sent as base64 at worst (codec.ts), plus its header and the request's framing.
    if (Math.ceil(env.MAX_VALUE_BYTES / 3) * 4 + 64 * 1024 > env.L2_MAX_REQUEST_BYTES) {
      ctx.addIssue({
        code: "custom",
        path: ["MAX_VALUE_BYTES"],
        message: "encoded (base64) with its header, must fit in L2_MAX_REQUEST_BYTES",
      });
    }
    if (env.DEFAULT_TTL_SECONDS > env.MAX_TTL_SECONDS) {
      ctx.addIssue({
        code: "custom",
        path: ["DEFAULT_TTL_SECONDS"],
        message: "must not exceed MAX_TTL_SECONDS",
      });
    }
  });

export type Config = z.output<typeof envSchema>;

type MigrationVars = Pick<
  Config,
  "EDGE_CACHE_STORE" | "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_URL_NEXT" | "UPSTASH_REDIS_REST_TOKEN_NEXT" | "L2_MIGRATION_PHASE"
>;

/** A move needs two distinct databases: refused at startup rather than half-applied at the first write. */
function checkMigration(env: MigrationVars, ctx: z.core.$RefinementCtx<unknown>): void {
  const phase = env.L2_MIGRATION_PHASE;
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
  if (env.UPSTASH_REDIS_REST_URL_NEXT && !env.UPSTASH_REDIS_REST_TOKEN_NEXT)
    issue("UPSTASH_REDIS_REST_TOKEN_NEXT", "is required when UPSTASH_REDIS_REST_URL_NEXT is set");
  if (phase === "off") return;
  if (env.EDGE_CACHE_STORE === "memory") issue("L2_MIGRATION_PHASE", `is ${phase}, but EDGE_CACHE_STORE is memory: there is no L2 to move`);
  if (!env.UPSTASH_REDIS_REST_URL_NEXT)
    issue("UPSTASH_REDIS_REST_URL_NEXT", `is required when L2_MIGRATION_PHASE is ${phase} (the database to move to)`);
  if (phase !== "new-only" && !env.UPSTASH_REDIS_REST_URL)
    issue("UPSTASH_REDIS_REST_URL", `is required when L2_MIGRATION_PHASE is ${phase} (the database to move from)`);
  if (
    env.UPSTASH_REDIS_REST_URL &&
    env.UPSTASH_REDIS_REST_URL_NEXT &&
    sameDatabase(env.UPSTASH_REDIS_REST_URL, env.UPSTASH_REDIS_REST_URL_NEXT)
  )
    issue("UPSTASH_REDIS_REST_URL_NEXT", "names the same database as UPSTASH_REDIS_REST_URL: a move needs two databases");
}

function sameDatabase(a: string, b: string): boolean {
  const normal = (url: string) => {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host.toLowerCase()}${parsed.pathname.replace(/\/+$/, "")}`;
  };
  return normal(a) === normal(b);
}

export type EnvResult = { ok: true; config: Config } | { ok: false; problems: string[] };

/**
 * Names each bad variable and what is wrong with it, never its value: a secret must not leak
 * through an error message.
 */
export function parseEnv(raw: Record<string, unknown>): EnvResult {
  const parsed = envSchema.safeParse(raw);
  if (parsed.success) return { ok: true, config: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join(".") || "env";
    return `${name}: ${issue.code === "custom" ? issue.message : describeIssue(issue)}`;
  });
  return { ok: false, problems };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `expected ${issue.expected}`;
    case "too_small":
      return `must be at least ${String(issue.minimum)}`;
    case "too_big":
      return `must be at most ${String(issue.maximum)}`;
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}`;
    case "invalid_format":
      return `must be a valid ${issue.format}`;
    default:
      return "is invalid";
  }
}

/** True when the config points at a Redis the worker should use as L2. */
export function usesRedis(config: Config): boolean {
  if (config.EDGE_CACHE_STORE === "memory") return false;
  return (
    config.UPSTASH_REDIS_REST_URL !== undefined ||
    (config.L2_MIGRATION_PHASE === "new-only" && config.UPSTASH_REDIS_REST_URL_NEXT !== undefined)
  );
}
