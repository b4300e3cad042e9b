import { parseArgs } from "node:util";

export const USAGE = `npm run transfer -- <command> [options]

  export --out FILE [--count N]
      Writes every live entry of the token's tenant to FILE as NDJSON (scope: manage).
  import --in FILE [--dry-run] [--batch-size N] [--resume-from LINE | --state FILE]
      Stores every entry of FILE through POST /v1/batch (scope: write). Lines with ttl 0 (stale
      or expired at export) are skipped and counted. --dry-run checks every line and sends nothing.
      --batch-size: sets per request, 1 to 100 (default 100).
      --resume-from LINE: start at that line (a stopped import prints it).
      --state FILE: record the last committed line there after every batch; rerun the same
      command to carry on after a failure.
  invalidate [--tag TAG]... [--prefix PREFIX]...
      Hides every entry written so far that carries one of the tags or whose key starts with one
      of the prefixes, in every isolate (scope: write). Prefixes are plain text: '*' is a '*'.

  Common: --url URL (default $EDGE_CACHE_URL or http://127.0.0.1:8787)
          --token TOKEN (default $EDGE_CACHE_TOKEN; the variable keeps it out of process lists)

  429 and 503 answers are retried with backoff (Retry-After when given); other failures stop
  the run with the line to resume from.`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

interface Common {
  url: string;
  token: string;
}

export type TransferCommand =
  | { name: "help" }
  | (Common & { name: "export"; out: string; count: number })
  | (Common & {
      name: "import";
      input: string;
      dryRun: boolean;
      batchSize: number;
      resumeFrom: number | undefined;
      stateFile: string | undefined;
    })
  | (Common & { name: "invalidate"; tags: string[]; prefixes: string[] });

export function parseCommand(argv: readonly string[], env: Record<string, string | undefined> = {}): TransferCommand {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const name = positionals[0];
  if (values.help || name === undefined || name === "help") return { name: "help" };
  if (positionals.length > 1) throw new UsageError(`unexpected argument: ${positionals[1]}`);
  const url = values.url ?? env.EDGE_CACHE_URL ?? "http://127.0.0.1:8787";
  const token = values.token ?? env.EDGE_CACHE_TOKEN;
  if (name !== "export" && name !== "import" && name !== "invalidate") throw new UsageError(`unknown command: ${name}`);
  if (!token) throw new UsageError("no token: pass --token or set EDGE_CACHE_TOKEN");
  if (name === "invalidate") {
    const tags = values.tag ?? [];
    const prefixes = values.prefix ?? [];
    if (tags.length + prefixes.length === 0) throw new UsageError("invalidate needs at least one --tag or --prefix");
    if (prefixes.includes("")) throw new UsageError("--prefix cannot be empty (clearing every entry is DELETE /v1/cache, scope manage)");
    return { name, url, token, tags, prefixes };
  }
  if (name === "export") {
    if (!values.out) throw new UsageError("export needs --out FILE");
    return { name, url, token, out: values.out, count: integer("--count", values.count ?? "100", 1, 1000) };
  }
  if (!values.in) throw new UsageError("import needs --in FILE");
  if (values["resume-from"] !== undefined && values.state !== undefined) throw new UsageError("give --resume-from or --state, not both");
  return {
    name,
    url,
    token,
    input: values.in,
    dryRun: values["dry-run"] ?? false,
    batchSize: integer("--batch-size", values["batch-size"] ?? "100", 1, 100),
    resumeFrom:
      values["resume-from"] === undefined ? undefined : integer("--resume-from", values["resume-from"], 1, Number.MAX_SAFE_INTEGER),
    stateFile: values.state,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      url: { type: "string" },
      token: { type: "string" },
      out: { type: "string" },
      in: { type: "string" },
      count: { type: "string" },
      "dry-run": { type: "boolean" },
      "batch-size": { type: "string" },
      "resume-from": { type: "string" },
      state: { type: "string" },
      tag: { type: "string", multiple: true },
      prefix: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
  });
}

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
  return value;
}
