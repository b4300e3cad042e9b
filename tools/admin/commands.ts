import { parseArgs } from "node:util";
import type { AdminClient, ReindexIndex } from "./admin-client.ts";
import { deleteTenantCompletely } from "./delete-tenant.ts";
import { reindexAll } from "./reindex.ts";

export const USAGE = `Usage: npm run admin -- <command> [options]

Tenants
  tenant create <id> [--name N] [--origin URL]... [--origin-host HOST]... [--rate N/SECONDS]
                     [--max-value-bytes N] [--default-ttl S] [--max-ttl S]
  tenant list
  tenant get <id>
  tenant update <id> [same options as create]
  tenant disable <id> | tenant enable <id>
  tenant delete <id>            delete the tenant, its tokens and every key it has, page by page
                                until done (several seconds at least); run it again if interrupted
Tokens
  token issue <tenant> --scopes read,write,manage [--name N] [--expires-in SECONDS] [--origin URL]...
  token list <tenant>
  token revoke <tenant> <token-id>
  token rotate <tenant> <token-id>
Maintenance
  reindex [--index cors|warm]   rebuild the CORS origin index and the warm indexes (default: both)
                                from the stored records: once after upgrading; safe to repeat

Options
  --url URL   the worker (default: EDGE_CACHE_URL or http://127.0.0.1:8787)
The admin token comes from EDGE_CACHE_ADMIN_TOKEN, or ADMIN_TOKEN in .dev.vars.`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

const OPTIONS = {
  url: { type: "string" },
  name: { type: "string" },
  origin: { type: "string", multiple: true },
  "origin-host": { type: "string", multiple: true },
  rate: { type: "string" },
  "max-value-bytes": { type: "string" },
  "default-ttl": { type: "string" },
  "max-ttl": { type: "string" },
  scopes: { type: "string" },
  "expires-in": { type: "string" },
  index: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export type ParsedCommand = {
  /** Makes the command's calls; long commands report each step to `progress`. */
  run: (client: AdminClient, progress?: (line: string) => void) => Promise<unknown>;
  url: string | undefined;
  help: boolean;
};

/**
 * Turns argv into one admin call. Everything is checked here, before any request is made, so a
 * usage error is reported as one even without an admin token; `--help` anywhere only prints USAGE.
 */
export function parseCommand(argv: string[]): ParsedCommand {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.help || positionals.length === 0) return { run: async () => USAGE, url: values.url, help: true };
  const [group, action, ...rest] = positionals;
  const command = `${group} ${action ?? ""}`.trim();
  /** The operands after the command, one per name, no more and no fewer. */
  const operands = <const Names extends string[]>(...names: Names): { [I in keyof Names]: string } => {
    const extra = rest[names.length];
    if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
    return names.map((name, i) => need(rest[i], name)) as { [I in keyof Names]: string };
  };
  const tenantFields = () => ({
    ...(values.name ? { name: values.name } : {}),
    ...(values.origin ? { allowedOrigins: values.origin } : {}),
    ...(values["origin-host"] ? { originHosts: values["origin-host"] } : {}),
    ...(limitsFrom(values) ?? {}),
  });
  const run = ((): ParsedCommand["run"] => {
    switch (command) {
      case "tenant create": {
        const [id] = operands("tenant id");
        const fields = tenantFields();
        return (client) => client.createTenant({ id, ...fields });
      }
      case "tenant list":
        operands();
        return (client) => client.listTenants();
      case "tenant get": {
        const [id] = operands("tenant id");
        return (client) => client.getTenant(id);
      }
      case "tenant update": {
        const [id] = operands("tenant id");
        const fields = tenantFields();
        return (client) => client.updateTenant(id, fields);
      }
      case "tenant disable":
      case "tenant enable": {
        const [id] = operands("tenant id");
        const status = command === "tenant disable" ? "disabled" : "active";
        return (client) => client.updateTenant(id, { status });
      }
      case "tenant delete": {
        const [id] = operands("tenant id");
        return (client, progress) => deleteTenantCompletely(client, id, progress ? { progress } : {});
      }
      case "token issue": {
        const [id] = operands("tenant id");
        const request = {
          scopes: need(values.scopes, "--scopes").split(","),
          ...(values.name ? { name: values.name } : {}),
          ...(values["expires-in"] ? { expiresInSeconds: integer(values["expires-in"], "--expires-in") } : {}),
          ...(values.origin ? { allowedOrigins: values.origin } : {}),
        };
        return (client) => client.issueToken(id, request);
      }
      case "token list": {
        const [id] = operands("tenant id");
        return (client) => client.listTokens(id);
      }
      case "token revoke":
      case "token rotate": {
        const [id, tokenId] = operands("tenant id", "token id");
        return command === "token revoke" ? (client) => client.revokeToken(id, tokenId) : (client) => client.rotateToken(id, tokenId);
      }
      case "reindex": {
        operands();
        const indexes = reindexIndexes(values.index);
        return (client, progress) => reindexAll(client, indexes, progress);
      }
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  })();
  return { run, url: values.url, help: false };
}

function reindexIndexes(index: string | undefined): ReindexIndex[] {
  if (index === undefined) return ["cors", "warm"];
  if (index === "cors" || index === "warm") return [index];
  throw new UsageError("--index takes cors or warm");
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

function limitsFrom(values: Record<string, string | string[] | boolean | undefined>) {
  const limits: Record<string, unknown> = {};
  if (typeof values.rate === "string") {
    const match = /^(\d+)\/(\d+)$/.exec(values.rate);
    if (!match) throw new UsageError("--rate takes REQUESTS/SECONDS, e.g. 100/60");
    limits.rateLimit = { requests: Number(match[1]), windowSeconds: Number(match[2]) };
  }
  if (typeof values["max-value-bytes"] === "string") limits.maxValueBytes = integer(values["max-value-bytes"], "--max-value-bytes");
  if (typeof values["default-ttl"] === "string") limits.defaultTtlSeconds = integer(values["default-ttl"], "--default-ttl");
  if (typeof values["max-ttl"] === "string") limits.maxTtlSeconds = integer(values["max-ttl"], "--max-ttl");
  return Object.keys(limits).length > 0 ? { limits } : undefined;
}

function integer(text: string, option: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${option} takes a whole number`);
  return Number(text);
}
