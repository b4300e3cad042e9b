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

/** What creating a tenant did: created it, or nothing because the id is taken or still being purged. */
export type CreateTenantOutcome = "created" | "exists" | "purging";

/**
 * A deleted tenant's keys still being swept (Redis only: tenant-purge.ts). While it is recorded
 * the id cannot be created again, so the sweep never takes a new tenant's keys.
 */
export interface TenantPurge {
  /** When the tenant was deleted (epoch ms). */
  startedAt: number;
  /**
   * Until when another isolate may still act for the tenant (a cached token verification, a
   * request under way); only a sweep that starts after it can end the purge.
   */
  quietUntil: number;
}

/** What deleting a tenant removed, for this isolate's caches to forget at once. */
export interface DeletedTenant {
  record: TenantRecord;
  /** Digests of every token of the tenant, all removed. */
  digests: string[];
  /** Browser origins the tenant or its tokens were members of in the origin index. */
  origins: string[];
}

/**
 * Where tenants and their tokens live: Redis when configured, this isolate's memory otherwise.
 * Tokens are keyed by digest; the token itself is never given to a registry. Every change keeps
 * the CORS origin index (origin-index.ts) in step, in the same atomic step.
 */
export interface TenantRegistry {
  createTenant(record: TenantRecord): Promise<CreateTenantOutcome>;
  getTenant(id: TenantId): Promise<TenantRecord | undefined>;
  listTenants(): Promise<TenantRecord[]>;
  /**
   * Stores `change(current)` over the current record; undefined when there is no such tenant.
   * `change` may run more than once, when another change comes between the read and the write.
   * Throws TenantChangedError if that keeps happening.
   */
  updateTenant(id: TenantId, change: (current: TenantRecord) => TenantRecord): Promise<TenantRecord | undefined>;
  /**
   * Stores a token record, new or updated (revoked). False, storing nothing, when its tenant does
   * not exist (deleted since the caller read it): a token left behind would authenticate for a
   * tenant created later under the same id.
   */
  putToken(digest: string, record: TokenRecord): Promise<boolean>;
  /** The token under a digest and its tenant, in one round trip. */
  resolveToken(digest: string): Promise<{ token: TokenRecord; tenant: TenantRecord | undefined } | undefined>;
  listTokens(tenant: TenantId): Promise<{ digest: string; record: TokenRecord }[]>;
  /**
   * Removes the tenant's record, every token record of it and their memberships in the origin
   * index, in one atomic step, and hides its entries as a clear does; undefined when there is no
   * such tenant. Where the tenant's data keys outlive this step (Redis), `purge` is recorded in
   * the same step, for tenant-purge.ts to sweep them.
   * Throws TenantChangedError if the tenant or its tokens keep changing meanwhile.
   */
  deleteTenant(id: TenantId, purge: TenantPurge): Promise<DeletedTenant | undefined>;
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
