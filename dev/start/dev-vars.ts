import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";

/** The variables in a `.dev.vars` file (dotenv syntax), or none when it does not exist. */
export function readDevVars(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const parsed = parseEnv(readFileSync(path, "utf8"));
  return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * Whether `.dev.vars` points the worker at a real Upstash database: both variables set and
 * neither still the placeholder from `.dev.vars.example`.
 */
export function hasRealUpstash(vars: Record<string, string>): boolean {
  const url = vars.UPSTASH_REDIS_REST_URL?.trim() ?? "";
  const token = vars.UPSTASH_REDIS_REST_TOKEN?.trim() ?? "";
  if (url === "" || token === "") return false;
  if (!/^https?:\/\//.test(url) || url.includes("your-db")) return false;
  return !token.startsWith("replace-me");
}

/** A variable `.dev.vars` sets to something non-empty. */
export function isSet(vars: Record<string, string>, name: string): boolean {
  return (vars[name]?.trim() ?? "") !== "";
}
