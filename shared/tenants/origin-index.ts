import type { TenantId } from "../cache/keys";
import type { TenantRecord } from "./tenant-record";
import type { TokenRecord } from "./token-record";

/**
 * The CORS origin index: for each browser origin, who allows it. `t:<tenant>` while an active
 * tenant lists the origin, `k:<tenant>:<token id>` while a token lists it, is not revoked, and its
 * tenant is active. A preflight asks only whether an origin has any member: one lookup, however
 * many tenants. Expired tokens keep their members (nothing sweeps them): their preflights pass and
 * the requests that follow are refused 401, as any request with an expired token is.
 */

export interface OriginMembership {
  origin: string;
  member: string;
  /** For a token's membership: the add holds only while the token under this digest is not revoked. */
  digest?: string;
}

export interface OriginIndexChanges {
  add: OriginMembership[];
  remove: OriginMembership[];
}

export function tenantMember(tenant: TenantId): string {
  return `t:${tenant}`;
}

export function tokenMember(token: Pick<TokenRecord, "tenant" | "id">): string {
  return `k:${token.tenant}:${token.id}`;
}

/**
 * What storing `next` over `previous` does to the index. The tenant's own list is always written
 * in full (adds are idempotent, and a rewrite repairs a drifted index). Its tokens' memberships are
 * written when `tokens` is given: when the tenant's status changes, and when the index is rebuilt.
 */
export function tenantIndexChanges(
  previous: TenantRecord | undefined,
  next: TenantRecord,
  tokens?: readonly { digest: string; record: TokenRecord }[],
): OriginIndexChanges {
  const active = next.status === "active";
  const member = tenantMember(next.id);
  const add: OriginMembership[] = active ? next.allowedOrigins.map((origin) => ({ origin, member })) : [];
  const kept = new Set(add.map(({ origin }) => origin));
  const listed = new Set([...(previous?.allowedOrigins ?? []), ...next.allowedOrigins]);
  const remove: OriginMembership[] = [...listed].filter((origin) => !kept.has(origin)).map((origin) => ({ origin, member }));
  for (const { digest, record } of tokens ?? []) {
    const changes = tokenIndexChanges(record, active, digest);
    add.push(...changes.add);
    remove.push(...changes.remove);
  }
  return { add, remove };
}

/** What storing a token record does to the index, given whether its tenant is active. */
export function tokenIndexChanges(record: TokenRecord, tenantActive: boolean, digest?: string): OriginIndexChanges {
  const member = tokenMember(record);
  const memberships = (record.allowedOrigins ?? []).map((origin) => ({ origin, member, ...(digest ? { digest } : {}) }));
  return tenantActive && !record.revokedAt ? { add: memberships, remove: [] } : { add: [], remove: memberships };
}

/**
 * Every membership a tenant and its tokens can hold, whatever their status: what deleting the
 * tenant removes. Removing one that is not there changes nothing.
 */
export function tenantMemberships(record: TenantRecord, tokens: readonly { record: TokenRecord }[]): OriginMembership[] {
  const member = tenantMember(record.id);
  const own = record.allowedOrigins.map((origin) => ({ origin, member }));
  const ofTokens = tokens.flatMap(({ record: token }) =>
    (token.allowedOrigins ?? []).map((origin) => ({ origin, member: tokenMember(token) })),
  );
  return [...own, ...ofTokens];
}
