/**
 * A small client of the worker's /admin API, shared by `npm run admin` and `npm start`. It
 * speaks HTTP only, so it works against a local worker and a deployed one alike.
 */

export interface AdminClientOptions {
  /** The worker's base URL, e.g. http://127.0.0.1:8787. */
  url: string;
  adminToken: string;
}

export class AdminApiError extends Error {
  override readonly name = "AdminApiError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface IssuedToken {
  token: string;
  id: string;
  tenant: string;
  scopes: string[];
  expiresAt?: string;
}

export type ReindexIndex = "cors" | "warm";

/** One page of `POST /admin/maintenance/reindex`. */
export interface ReindexPage {
  index: ReindexIndex;
  cursor: string;
  done: boolean;
  tenants: number;
  tokens?: number;
  plans?: number;
}

/** One page of `DELETE /admin/tenants/{id}`. */
export interface TenantDeletionPage {
  deleted: true;
  done: boolean;
  cursor: string;
  keysDeleted: number;
  /** Wait this long before the next call: only a pass started after it can end the purge. */
  retryAfterMs?: number;
}

export function createAdminClient(options: AdminClientOptions) {
  const base = options.url.replace(/\/+$/, "");
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${options.adminToken}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 204) return undefined as T;
    const payload = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    if (!response.ok) {
      throw new AdminApiError(response.status, payload.error?.code ?? "unknown", payload.error?.message ?? `HTTP ${response.status}`);
    }
    return payload as T;
  }
  const tenantPath = (id: string) => `/admin/tenants/${encodeURIComponent(id)}`;
  return {
    createTenant: (tenant: Record<string, unknown>) => call<Record<string, unknown>>("POST", "/admin/tenants", tenant),
    listTenants: () => call<{ tenants: Record<string, unknown>[] }>("GET", "/admin/tenants"),
    getTenant: (id: string) => call<Record<string, unknown>>("GET", tenantPath(id)),
    updateTenant: (id: string, update: Record<string, unknown>) => call<Record<string, unknown>>("PATCH", tenantPath(id), update),
    issueToken: (id: string, request: Record<string, unknown>) => call<IssuedToken>("POST", `${tenantPath(id)}/tokens`, request),
    listTokens: (id: string) => call<{ tokens: Record<string, unknown>[] }>("GET", `${tenantPath(id)}/tokens`),
    revokeToken: (id: string, tokenId: string) => call<void>("DELETE", `${tenantPath(id)}/tokens/${encodeURIComponent(tokenId)}`),
    rotateToken: (id: string, tokenId: string) =>
      call<IssuedToken>("POST", `${tenantPath(id)}/tokens/${encodeURIComponent(tokenId)}/rotate`),
    tenantLimits: (id: string) => call<Record<string, number>>("GET", `${tenantPath(id)}/limits`),
    deploymentLimits: () => call<Record<string, number>>("GET", "/admin/limits"),
    /** Without a cursor: deletes the tenant (or resumes its purge); with one: the next page of its purge. */
    deleteTenant: (id: string, cursor?: string) =>
      call<TenantDeletionPage>("DELETE", cursor === undefined ? tenantPath(id) : `${tenantPath(id)}?cursor=${encodeURIComponent(cursor)}`),
    reindex: (index: ReindexIndex, cursor: string) => call<ReindexPage>("POST", "/admin/maintenance/reindex", { index, cursor }),
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;

/** Creates the tenant unless it exists, then issues it a token: what `npm start` seeds. */
export async function seedTenant(client: AdminClient, id: string, scopes: string[]): Promise<IssuedToken> {
  try {
    await client.createTenant({ id, name: `${id} (seeded by npm start)` });
  } catch (error) {
    if (!(error instanceof AdminApiError && error.status === 409)) throw error;
  }
  return client.issueToken(id, { name: "npm start", scopes });
}
