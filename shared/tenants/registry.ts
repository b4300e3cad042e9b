import type { TenantId } from "../cache/keys";
import type { TenantRecord } from "./tenant-record";
import type { TokenRecord } from "./token-record";

/** One page of an origin index rebuild. */
export interface OriginReindexPage {
  /** Where the next page starts; "0" when the rebuild is complete. */
  cursor: string;
  tenants: number;
  tokens: number;
}

/**
 * Where tenants and their tokens live: Redis when configured, this isolate's memory otherwise.
 * Tokens are keyed by digest; the token itself is never given to a registry. Every change keeps
 * the CORS origin index (origin-index.ts) in step, in the same atomic step.
 */
export interface TenantRegistry {
  /** False when a tenant with that id exists already. */
  createTenant(record: TenantRecord): Promise<boolean>;
  getTenant(id: TenantId): Promise<TenantRecord | undefined>;
  listTenants(): Promise<TenantRecord[]>;
  /**
   * Stores `change(current)` over the current record; undefined when there is no such tenant.
   * `change` may run more than once, when another change comes between the read and the write.
   * Throws TenantChangedError if that keeps happening.
   */
  updateTenant(id: TenantId, change: (current: TenantRecord) => TenantRecord): Promise<TenantRecord | undefined>;
  /** Stores a token record, new or updated (revoked). */
  putToken(digest: string, record: TokenRecord): Promise<void>;
  /** The token under a digest and its tenant, in one round trip. */
  resolveToken(digest: string): Promise<{ token: TokenRecord; tenant: TenantRecord | undefined } | undefined>;
  listTokens(tenant: TenantId): Promise<{ digest: string; record: TokenRecord }[]>;
  /** Whether an active tenant, or a live token of one, allows this browser origin: one lookup. */
  allowsOrigin(origin: string): Promise<boolean>;
  /** Rebuilds the origin index of one page of tenants, from "0" until it answers "0". Idempotent. */
  reindexOrigins(cursor: string): Promise<OriginReindexPage>;
}

/** Other changes to the same tenant kept coming between an update's read and its write. */
export class TenantChangedError extends Error {
  override name = "TenantChangedError";
  constructor(tenant: TenantId) {
    super(`edge-cache: tenant ${tenant} kept changing during an update`);
  }
}
