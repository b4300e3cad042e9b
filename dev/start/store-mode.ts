import { hasRealUpstash } from "./dev-vars.ts";

/** Where the worker started by `npm start` keeps its L2. */
export type StoreMode = { kind: "local-redis" } | { kind: "upstash-from-dev-vars" } | { kind: "memory"; reason: string };

export interface StoreModeInputs {
  /** `EDGE_CACHE_STORE` from the shell, if set. */
  requestedStore: string | undefined;
  devVars: Record<string, string>;
  redisServerAvailable: boolean;
}

/** `EDGE_CACHE_STORE=redis` was asked for and there is no Redis to give. */
export class StoreModeError extends Error {
  override readonly name = "StoreModeError";
}

/** Picks the store: memory when asked, real Upstash when `.dev.vars` has it, else a local Redis. */
export function chooseStoreMode(inputs: StoreModeInputs): StoreMode {
  if (inputs.requestedStore === "memory") return { kind: "memory", reason: "EDGE_CACHE_STORE=memory" };
  if (hasRealUpstash(inputs.devVars)) return { kind: "upstash-from-dev-vars" };
  if (inputs.redisServerAvailable) return { kind: "local-redis" };
  if (inputs.requestedStore === "redis") {
    throw new StoreModeError("EDGE_CACHE_STORE=redis needs redis-server on PATH or a real UPSTASH_REDIS_REST_URL/TOKEN in .dev.vars");
  }
  return { kind: "memory", reason: "redis-server is not on PATH (apt-get install redis-server for a local L2)" };
}
