import { isOriginAllowed } from "../tenants/origin-allowlist";
import type { TenantRecord } from "../tenants/tenant-record";

/**
 * Whether the warmer or read-through may fetch a URL (SSRF). Tenants name the URLs, so the
 * fetching code never decides this itself: it is handed a check.
 */
export type IsOriginAllowed = (url: URL) => boolean;

export const denyAllOrigins: IsOriginAllowed = () => false;

export interface TenantOriginOptions {
  /** Allow http, IP literals and loopback names. Only for local development and tests. @default false */
  allowPrivateHosts?: boolean;
}

/**
 * A tenant's origins: https hosts on its allowlist (`originHosts` of its record), never
 * credentials in the URL, nothing for a missing or disabled tenant.
 */
export function tenantOriginCheck(
  tenant: Pick<TenantRecord, "status" | "originHosts"> | undefined,
  options: TenantOriginOptions = {},
): IsOriginAllowed {
  if (tenant?.status !== "active") return denyAllOrigins;
  const policy = { allowedHosts: tenant.originHosts, allowPrivate: options.allowPrivateHosts ?? false };
  return function isTenantOriginAllowed(url: URL): boolean {
    return isOriginAllowed(url, policy);
  };
}
