import { randomBytes } from "node:crypto";
import { isSet } from "./dev-vars.ts";
import type { StoreMode } from "./store-mode.ts";

export interface WorkerVarsInputs {
  mode: StoreMode;
  /** `EDGE_CACHE_STORE` from the shell, passed on as given. */
  requestedStore: string | undefined;
  devVars: Record<string, string>;
  /** Set when mode is local-redis. */
  gateway?: { url: string; token: string };
  /** A local move between two databases: the second local gateway, and the phase. */
  migration?: { next?: { url: string; token: string }; phase: string };
}

export interface WorkerVars {
  /** Passed to `wrangler dev` as `--var NAME:VALUE`: nothing is written to disk. */
  vars: Record<string, string>;
  /** The admin token the worker will accept: generated here unless `.dev.vars` sets one. */
  adminToken: string;
  /** Whether adminToken was generated here (and so is worth printing). */
  adminTokenGenerated: boolean;
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
  if (inputs.migration?.next) {
    vars.UPSTASH_REDIS_REST_URL_NEXT = inputs.migration.next.url;
    vars.UPSTASH_REDIS_REST_TOKEN_NEXT = inputs.migration.next.token;
  }
  if (inputs.migration) vars.L2_MIGRATION_PHASE = inputs.migration.phase;
  if (inputs.mode.kind === "memory") vars.EDGE_CACHE_STORE = "memory";
  else if (inputs.requestedStore) vars.EDGE_CACHE_STORE = inputs.requestedStore;

  const adminTokenGenerated = !isSet(inputs.devVars, "ADMIN_TOKEN");
  const adminToken = adminTokenGenerated ? randomBytes(32).toString("hex") : (inputs.devVars.ADMIN_TOKEN as string);
  if (adminTokenGenerated) vars.ADMIN_TOKEN = adminToken;
  // Token digests are keyed by the pepper: a throwaway store gets a throwaway pepper.
  if (!isSet(inputs.devVars, "TOKEN_PEPPER")) vars.TOKEN_PEPPER = randomBytes(32).toString("hex");
  return { vars, adminToken, adminTokenGenerated };
}
