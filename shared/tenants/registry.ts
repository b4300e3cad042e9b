import type { TenantId } from "../cache/keys";
import type { TenantRecord } from "./tenant-record";
import type { TokenRecord } from "./token-record";

/**
 * Where tenants and their tokens live: Redis when configured, this isolate's memory otherwise.
 * Tokens are keyed by digest; the token itself is never given to a registry.
 */
export interface TenantRegistry {
  /** False when a tenant with that id exists already. */
  createTenant(record: TenantRecord): Promise<boolean>;
  getTenant(id: TenantId): Promise<TenantRecord | undefined>;
  listTenants(): Promise<TenantRecord[]>;
  putTenant(record: TenantRecord): Promise<void>;
  putToken(digest: string, record: TokenRecord): Promise<void>;
  /** The token under a digest and its tenant, in one round trip. */
  resolveToken(digest: string): Promise<{ token: TokenRecord; tenant: TenantRecord | undefined } | undefined>;
  listTokens(tenant: TenantId): Promise<{ digest: string; record: TokenRecord }[]>;
}
