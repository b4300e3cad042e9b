import { parseArgs } from "node:util";

export const USAGE = `Usage: npm run doctor -- [--url URL] [--config PATH] [--json] [--timeout-ms N]

Checks a running edge-cache deployment end to end: health, Redis, configuration and secrets, the
admin token, clock skew, the admin API, a write/read round trip in a throwaway tenant, and whether
the cron triggers declared in wrangler.toml fire.

  --url URL         the deployment (default: EDGE_CACHE_URL or http://127.0.0.1:8787)
  --config PATH     wrangler.toml whose [triggers] crons to expect (default: ./wrangler.toml)
  --json            one JSON document instead of text
  --timeout-ms N    per request (default: 10000)

The admin token comes from EDGE_CACHE_ADMIN_TOKEN or ADMIN_TOKEN; it is never printed.
Exit code: 0 when no check failed (warnings allowed), 1 when one did, 2 for a usage error.`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface DoctorOptions {
  url: string;
  configPath: string;
  json: boolean;
  timeoutMs: number;
  adminToken: string | undefined;
  /** Which variable the token came from, to name it (never its value) in the report. */
  adminTokenSource: string | undefined;
  help: boolean;
}

const TOKEN_VARIABLES = ["EDGE_CACHE_ADMIN_TOKEN", "ADMIN_TOKEN"] as const;

export function parseDoctorArgs(argv: string[], env: Record<string, string | undefined>): DoctorOptions {
  let values: ReturnType<typeof parseOptions>["values"];
  try {
    ({ values } = parseOptions(argv));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const url = values.url ?? env.EDGE_CACHE_URL ?? "http://127.0.0.1:8787";
  if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`--url must be an http(s) URL, got ${JSON.stringify(url)}`);
  const timeoutMs = values["timeout-ms"] === undefined ? 10_000 : Number(values["timeout-ms"]);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100) throw new UsageError("--timeout-ms must be an integer of at least 100");
  const tokenSource = TOKEN_VARIABLES.find((name) => (env[name]?.trim() ?? "") !== "");
  return {
    url,
    configPath: values.config ?? "wrangler.toml",
    json: values.json ?? false,
    timeoutMs,
    adminToken: tokenSource ? env[tokenSource]?.trim() : undefined,
    adminTokenSource: tokenSource,
    help: values.help ?? false,
  };
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      config: { type: "string" },
      json: { type: "boolean" },
      "timeout-ms": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
    strict: true,
  });
}
