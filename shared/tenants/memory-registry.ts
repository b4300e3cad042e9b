import type { TenantId } from "../cache/keys";
import { type OriginIndexChanges, tenantIndexChanges, tenantMemberships, tokenIndexChanges } from "./origin-index";
import type { CreateTenantOutcome, DeletedTenant, OriginReindexPage, TenantRegistry } from "./registry";
import type { TenantRecord } from "./tenant-record";
import type { TokenRecord } from "./token-record";

/**
 * Memory-only mode: tenants and tokens live in this isolate and vanish with it. The origin index
 * is kept as Redis keeps it, so a preflight answers the same in both modes. Each method changes
 * its maps without awaiting in between, which makes every change atomic within the isolate.
 */
export class MemoryTenantRegistry implements TenantRegistry {
  readonly #tenants = new Map<TenantId, TenantRecord>();
  readonly #tokens = new Map<string, TokenRecord>();
  readonly #origins = new Map<string, Set<string>>();

  async createTenant(record: TenantRecord): Promise<CreateTenantOutcome> {
    if (this.#tenants.has(record.id)) return "exists";
    this.#tenants.set(record.id, structuredClone(record));
    this.#apply(tenantIndexChanges(undefined, record));
    return "created";
  }

  async getTenant(id: TenantId): Promise<TenantRecord | undefined> {
    const record = this.#tenants.get(id);
    return record && structuredClone(record);
  }

  async listTenants(): Promise<TenantRecord[]> {
    return [...this.#tenants.values()].map((record) => structuredClone(record));
  }

  async updateTenant(id: TenantId, change: (current: TenantRecord) => TenantRecord): Promise<TenantRecord | undefined> {
    const current = this.#tenants.get(id);
    if (!current) return undefined;
    const next = change(structuredClone(current));
    this.#tenants.set(id, structuredClone(next));
    this.#apply(tenantIndexChanges(current, next, next.status !== current.status ? this.#tokensOf(id) : undefined));
    return next;
  }

  async putToken(digest: string, record: TokenRecord): Promise<boolean> {
    const tenant = this.#tenants.get(record.tenant);
    if (!tenant) return false;
    this.#tokens.set(digest, structuredClone(record));
    this.#apply(tokenIndexChanges(record, tenant.status === "active"));
    return true;
  }

  /**
   * Everything of the tenant this registry holds goes at once. Its entries live in the isolate's
   * memory store, which the caller clears; with no data keys elsewhere there is nothing to purge
   * later: no purge is recorded, and the id can be created again at once.
   */
  async deleteTenant(id: TenantId): Promise<DeletedTenant | undefined> {
    const record = this.#tenants.get(id);
    if (!record) return undefined;
    const tokens = this.#tokensOf(id);
    const memberships = tenantMemberships(record, tokens);
    this.#tenants.delete(id);
    for (const { digest } of tokens) this.#tokens.delete(digest);
    this.#apply({ add: [], remove: memberships });
    return {
      record: structuredClone(record),
      digests: tokens.map(({ digest }) => digest),
      origins: [...new Set(memberships.map(({ origin }) => origin))],
    };
  }

  async resolveToken(digest: string) {
    const token = this.#tokens.get(digest);
    if (!token) return undefined;
    return { token: structuredClone(token), tenant: await this.getTenant(token.tenant) };
  }

  async listTokens(tenant: TenantId) {
    return this.#tokensOf(tenant).map(({ digest, record }) => ({ digest, record: structuredClone(record) }));
  }

  async allowsOrigin(origin: string): Promise<boolean> {
    return (this.#origins.get(origin)?.size ?? 0) > 0;
  }

  /** The whole index in one page: it is rebuilt from the records this isolate holds. */
  async reindexOrigins(_cursor: string): Promise<OriginReindexPage> {
    this.#origins.clear();
    for (const tenant of this.#tenants.values()) this.#apply(tenantIndexChanges(tenant, tenant, this.#tokensOf(tenant.id)));
    return { cursor: "0", tenants: this.#tenants.size, tokens: this.#tokens.size };
  }

  #tokensOf(tenant: TenantId): { digest: string; record: TokenRecord }[] {
    return [...this.#tokens].filter(([, record]) => record.tenant === tenant).map(([digest, record]) => ({ digest, record }));
  }

  #apply({ add, remove }: OriginIndexChanges): void {
    for (const { origin, member } of remove) {
      const members = this.#origins.get(origin);
      members?.delete(member);
      if (members?.size === 0) this.#origins.delete(origin);
    }
    for (const { origin, member } of add) {
      const members = this.#origins.get(origin) ?? new Set<string>();
      members.add(member);
      this.#origins.set(origin, members);
    }
  }
}
