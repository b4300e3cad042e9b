import { randomBytes } from "node:crypto";
import { generateToken } from "../../shared/tenants/token-format.ts";
import { isSet } from "./dev-vars.ts";
import type { StoreMode } from "./store-mode.ts";

export interface WorkerVarsInputs {
  mode: StoreMode;
  /** `EDGE_CACHE_STORE` from the shell, passed on as given. */
  requestedStore: string | undefined;
  devVars: Record<string, string>;
  /** Set when mode is local-redis. */
  gateway?: { url: string; token: string };
}

export interface WorkerVars {
  /** Passed to `wrangler dev` as `--var NAME:VALUE`: nothing is written to disk. */
  vars: Record<string, string>;
  /** A tenant token for the banner's examples, when one is known. */
  demoToken: string | undefined;
  /** The admin token when generated here; undefined when `.dev.vars` sets it. */
  adminToken: string | undefined;
}

/**
 * The vars `npm start` gives the worker. `.dev.vars` wins for the tokens it sets; the Redis
 * endpoint follows the store mode.
 */
export function workerVars(inputs: WorkerVarsInputs): WorkerVars {
  const vars: Record<string, string> = {};
  if (inputs.mode.kind === "local-redis" && inputs.gateway) {
    vars.UPSTASH_REDIS_REST_URL = inputs.gateway.url;
    vars.UPSTASH_REDIS_REST_TOKEN = inputs.gateway.token;
  }
  if (inputs.mode.kind === "memory") vars.EDGE_CACHE_STORE = "memory";
  else if (inputs.requestedStore) vars.EDGE_CACHE_STORE = inputs.requestedStore;

  let demoToken: string | undefined;
  if (isSet(inputs.devVars, "TENANT_TOKENS")) {
    demoToken = firstTenantToken(inputs.devVars.TENANT_TOKENS as string);
  } else {
    // The worker's own format, so the token passes its well-formedness check.
    demoToken = generateToken();
    vars.TENANT_TOKENS = JSON.stringify({ [demoToken]: "demo" });
  }
  let adminToken: string | undefined;
  if (!isSet(inputs.devVars, "ADMIN_TOKEN")) {
    adminToken = randomBytes(32).toString("hex");
    vars.ADMIN_TOKEN = adminToken;
  }
  return { vars, demoToken, adminToken };
}

function firstTenantToken(json: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === "object" ? Object.keys(parsed)[0] : undefined;
  } catch {
    return undefined;
  }
}
