import { parseArgs } from "node:util";

export const USAGE = `npm run migrate -- [run|verify] --from SOURCE [options]

Copies a legacy cache into a running edge-cache through its public API (admin token from
EDGE_CACHE_ADMIN_TOKEN: it looks tenants up, creates them with --create-tenants, and issues the
short-lived tokens the copy writes with, revoked when it ends).

  run (the default)   copy every key, in batches through POST /v1/batch
  verify              sample keys and compare the source and edge-cache byte for byte

Source
  --from SOURCE       redis://[user:password@]host:port[/db], rediss://… (TLS), memcached://host:port,
                      or an NDJSON file exported by npm run transfer
  --match PATTERN     Redis SCAN MATCH pattern (default: from a single --map, else every key)
  --convert json      copy hashes, lists, sets and sorted sets as JSON (default: report them as skipped)

Mapping
  --map TEMPLATE      e.g. 'cache:{name}:school:{tenant}:{key}'; {tenant} picks the tenant, {key}
                      the edge-cache key (the whole legacy key when absent); repeat it: the first
                      template that matches wins; unmapped keys are counted and listed
  --tenant ID         the tenant of every key (a single-tenant cache, or templates without {tenant})
  --create-tenants    create tenants that do not exist yet (default: a run stops at the first one)
  --max-tenants N     keys of tenants past the first N are reported as unmapped (default 10000): a
                      {tenant} on the wrong segment shows up in the dry run, not as a tenant per key

Values and lifetimes
  --decode LIST       zlib, gzip, msgpack (comma-separated, tried in order): a value in that format
                      is decoded (msgpack to JSON); other values are kept byte for byte
  --default-ttl SECONDS  for keys with no TTL (default: the tenant's default TTL)

Running
  --dry-run           write nothing; print a per-tenant report of what a run would do
  --json              the report as JSON on stdout
  --state FILE        where a run records its progress, to resume after an interrupt by running the
                      same command again (default: migrate-state.json)
  --rate KEYS         at most this many keys per second (default: no limit)
  --batch-size N      sets per request, 1 to 100 (default 100)
  --concurrency N     requests in flight, 1 to 32 (default 4)
  --follow            after the copy, keep edge-cache in step with a Redis source (keyspace
                      notifications, and a full rescan every --rescan-every seconds) until stopped
  --rescan-every S    default 300
  --sample N          keys verify compares (default 1000)

  --url URL           the edge-cache (default $EDGE_CACHE_URL or http://127.0.0.1:8787)

429 and 503 answers are retried with backoff (Retry-After when given).`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const DECODERS = ["zlib", "gzip", "msgpack"] as const;
export type Decoder = (typeof DECODERS)[number];

/** What a copy does to each key: the part of a command a state file must agree with. */
export interface MappingOptions {
  from: string;
  match: string | undefined;
  convert: "json" | undefined;
  templates: string[];
  tenant: string | undefined;
  decode: Decoder[];
  defaultTtlSeconds: number | undefined;
  maxTenants: number;
}

export interface MigrateCommon extends MappingOptions {
  url: string;
  adminToken: string;
  json: boolean;
}

export type MigrateCommand =
  | { name: "help" }
  | (MigrateCommon & {
      name: "run";
      dryRun: boolean;
      createTenants: boolean;
      stateFile: string;
      ratePerSecond: number | undefined;
      batchSize: number;
      concurrency: number;
      follow: boolean;
      rescanEverySeconds: number;
    })
  | (MigrateCommon & { name: "verify"; sample: number });

export function parseMigrateCommand(argv: readonly string[], env: Record<string, string | undefined> = {}): MigrateCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === "help") return { name: "help" };
  const name = positionals[0] ?? "run";
  if (name !== "run" && name !== "verify") throw new UsageError(`unknown command: ${name}`);
  if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`);
  if (!values.from) throw new UsageError("--from is required: a redis://, rediss:// or memcached:// URL, or an NDJSON file");
  const adminToken = env.EDGE_CACHE_ADMIN_TOKEN;
  if (!adminToken) throw new UsageError("no admin token: set EDGE_CACHE_ADMIN_TOKEN (npm start prints one)");
  if (values.convert !== undefined && values.convert !== "json") throw new UsageError(`--convert takes json, not ${values.convert}`);
  const templates = values.map ?? [];
  if (templates.length === 0 && values.tenant === undefined) throw new UsageError("give --map TEMPLATE (with {tenant}) or --tenant ID");
  const common: MigrateCommon = {
    from: values.from,
    match: values.match,
    convert: values.convert === "json" ? "json" : undefined,
    templates,
    tenant: values.tenant,
    decode: decoders(values.decode ?? []),
    maxTenants: integer("--max-tenants", values["max-tenants"] ?? "10000", 1, 10_000_000),
    defaultTtlSeconds:
      values["default-ttl"] === undefined ? undefined : integer("--default-ttl", values["default-ttl"], 1, 10 * 365 * 86_400),
    url: values.url ?? env.EDGE_CACHE_URL ?? "http://127.0.0.1:8787",
    adminToken,
    json: values.json ?? false,
  };
  if (name === "verify") return { ...common, name, sample: integer("--sample", values.sample ?? "1000", 1, 1_000_000) };
  if (values.follow && !/^rediss?:\/\//.test(values.from)) throw new UsageError("--follow needs a Redis source (keyspace notifications)");
  if (values.follow && values["dry-run"]) throw new UsageError("--follow and --dry-run do not go together");
  return {
    ...common,
    name,
    dryRun: values["dry-run"] ?? false,
    createTenants: values["create-tenants"] ?? false,
    stateFile: values.state ?? "migrate-state.json",
    ratePerSecond: values.rate === undefined ? undefined : integer("--rate", values.rate, 1, 10_000_000),
    batchSize: integer("--batch-size", values["batch-size"] ?? "100", 1, 100),
    concurrency: integer("--concurrency", values.concurrency ?? "4", 1, 32),
    follow: values.follow ?? false,
    rescanEverySeconds: integer("--rescan-every", values["rescan-every"] ?? "300", 1, 7 * 86_400),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      from: { type: "string" },
      match: { type: "string" },
      convert: { type: "string" },
      map: { type: "string", multiple: true },
      tenant: { type: "string" },
      "create-tenants": { type: "boolean" },
      "max-tenants": { type: "string" },
      decode: { type: "string", multiple: true },
      "default-ttl": { type: "string" },
      "dry-run": { type: "boolean" },
      json: { type: "boolean" },
      state: { type: "string" },
      rate: { type: "string" },
      "batch-size": { type: "string" },
      concurrency: { type: "string" },
      follow: { type: "boolean" },
      "rescan-every": { type: "string" },
      sample: { type: "string" },
      url: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

function decoders(values: readonly string[]): Decoder[] {
  const names = values.flatMap((value) => value.split(",")).map((name) => name.trim());
  for (const name of names) {
    if (!(DECODERS as readonly string[]).includes(name)) throw new UsageError(`--decode takes ${DECODERS.join(", ")}, not ${name}`);
  }
  return [...new Set(names)] as Decoder[];
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  return value;
}
