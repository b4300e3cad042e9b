import type { Problem } from "./check-result.ts";

/**
 * A misconfigured deployment answers every route with 500 `misconfigured` and a message naming
 * each bad variable and what is wrong with it, never its value (shared/env.ts):
 * `edge-cache is misconfigured: NAME: what is wrong; OTHER: what is wrong`.
 */

const PREFIX = "edge-cache is misconfigured: ";

/** Set with `wrangler secret put`; the rest are [vars] in wrangler.toml. */
const SECRETS = new Set([
  "UPSTASH_REDIS_REST_URL",
  "UPSTASH_REDIS_REST_TOKEN",
  "UPSTASH_REDIS_REST_URL_NEXT",
  "UPSTASH_REDIS_REST_TOKEN_NEXT",
  "ADMIN_TOKEN",
  "TOKEN_PEPPER",
]);

export interface BadVariable {
  name: string;
  problem: string;
}

export function parseMisconfiguration(message: string): BadVariable[] {
  const list = message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message;
  return list
    .split("; ")
    .filter((item) => item.trim() !== "")
    .map((item) => {
      const colon = item.indexOf(": ");
      return colon > 0 ? { name: item.slice(0, colon), problem: item.slice(colon + 2) } : { name: "env", problem: item };
    });
}

export function problemOf({ name, problem }: BadVariable): Problem {
  if (SECRETS.has(name)) {
    return {
      message: `${name} ${problem}`,
      fix: `set the secret: \`wrangler secret put ${name}\` (list them with \`wrangler secret list\`; locally: ${name} in .dev.vars)`,
    };
  }
  if (/^[A-Z][A-Z0-9_]*$/.test(name)) {
    return {
      message: `${name} ${problem}`,
      fix: `correct ${name} under [vars] in wrangler.toml (locally, .dev.vars may override it), then redeploy: \`npm run deploy\``,
    };
  }
  return { message: problem, fix: "compare the deployment's vars and secrets with README.md's Configuration table" };
}
