import type { Entry } from "./entry";
import type { EntryKey, TenantId } from "./keys";

/**
 * The port every storage tier implements: memory (L1), Upstash (L2) and their tiered
 * composition. One contract test suite (test/helpers/worker/store-contract.ts) runs against each.
 */
export interface Store {
  /** A servable entry (not past its stale window) or undefined. */
  get(key: EntryKey): Promise<Lookup | undefined>;
  set(key: EntryKey, entry: Entry, options?: SetOptions): Promise<SetResult>;
  delete(key: EntryKey): Promise<DeleteResult>;
  /** All operations in one round trip where the tier has round trips; results in input order. */
  batch(operations: readonly Operation[]): Promise<OperationResult[]>;
  /** Drops every entry of one tenant, in time independent of how many it has. */
  clear(tenant: TenantId): Promise<void>;
  /**
   * After this resolves, no get returns an entry written before it that carries one of the tags
   * or whose key starts with one of the prefixes. Throws PrefixLengthsExhaustedError (redis/request-errors.ts), raising
   * nothing, when the prefixes would take the tenant past its distinct prefix lengths.
   */
  invalidate(tenant: TenantId, targets: InvalidationTargets): Promise<void>;
}

/** What an invalidation hides: entries with any of the tags, and entries whose key starts with any of the prefixes (non-empty). */
export interface InvalidationTargets {
  tags?: readonly string[];
  prefixes?: readonly string[];
}

/**
 * Distinct prefix lengths a tenant's prefix watermarks may use at a time: a read checks one
 * watermark per length no longer than its key, so this bounds what prefix invalidation adds to
 * every read of the tenant. Lengths age out with their watermarks (watermark-scripts.ts).
 */
export const MAX_PREFIX_LENGTHS = 32;

export type Tier = "l1" | "l2";

export interface Lookup {
  entry: Entry;
  tier: Tier;
  /**
   * True when this copy was served past the point where it should have been checked against
   * Redis, because Redis could not answer (stale-if-error).
   */
  degraded: boolean;
}

export interface SetOptions {
  /** Store only when no servable entry exists under the key. @default false */
  onlyIfAbsent?: boolean;
  /**
   * The tenant's L2 storage budget in bytes: a write that would add bytes past it is refused
   * (`over_budget`). Tiers without a shared budget (L1) ignore it. Every L2 write is counted
   * either way. @default undefined (not enforced)
   */
  storageBudgetBytes?: number;
}

/** Where a stored value lives: in the shared tier (L2), or only in this isolate's memory. */
export type Durability = "shared" | "memory";

/** The API's name for a durability (`"stored":"redis"` on the wire, kept for compatibility). */
export function wireDurability(durability: Durability): "redis" | "memory" {
  return durability === "shared" ? "redis" : "memory";
}

export type SetResult =
  | { status: "stored"; durability: Durability; entry: Entry }
  | { status: "exists" }
  /** Refused by the tenant's L2 storage budget; nothing was written. */
  | { status: "over_budget" };

export type DeleteResult = { status: "deleted"; durability: Durability };

export type Operation =
  | { type: "get"; key: EntryKey }
  | { type: "set"; key: EntryKey; entry: Entry; options?: SetOptions }
  | { type: "delete"; key: EntryKey };

export type OperationResult =
  | { type: "get"; lookup: Lookup | undefined }
  | { type: "set"; result: SetResult }
  | { type: "delete"; result: DeleteResult }
  | { type: "error"; error: StoreUnavailableError };

/** Redis could not be reached or did not answer usefully in time. Never a client's fault. */
export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
  constructor(message: string, options?: ErrorOptions) {
    super(`edge-cache (l2): ${message}`, options);
  }
}

/** Runs a batch one operation at a time, for tiers without round trips to save. */
export async function runSequentially(store: Store, operations: readonly Operation[]): Promise<OperationResult[]> {
  const results: OperationResult[] = [];
  for (const op of operations) {
    switch (op.type) {
      case "get":
        results.push({ type: "get", lookup: await store.get(op.key) });
        break;
      case "set":
        results.push({ type: "set", result: await store.set(op.key, op.entry, op.options) });
        break;
      case "delete":
        results.push({ type: "delete", result: await store.delete(op.key) });
        break;
    }
  }
  return results;
}
