import type { TenantId } from "../cache/keys";
import type { TenantRegistry } from "./registry";
import type { TenantRecord } from "./tenant-record";
import type { TokenRecord } from "./token-record";

/** Memory-only mode: tenants and tokens live in this isolate and vanish with it. */
export class MemoryTenantRegistry implements TenantRegistry {
  readonly #tenants = new Map<TenantId, TenantRecord>();
  readonly #tokens = new Map<string, TokenRecord>();

  async createTenant(record: TenantRecord): Promise<boolean> {
    if (this.#tenants.has(record.id)) return false;
    this.#tenants.set(record.id, structuredClone(record));
    return true;
  }

  async getTenant(id: TenantId): Promise<TenantRecord | undefined> {
    const record = this.#tenants.get(id);
    return record && structuredClone(record);
  }

  async listTenants(): Promise<TenantRecord[]> {
    return [...this.#tenants.values()].map((record) => structuredClone(record));
  }

  async putTenant(record: TenantRecord): Promise<void> {
    this.#tenants.set(record.id, structuredClone(record));
  }

  async putToken(digest: string, record: TokenRecord): Promise<void> {
    this.#tokens.set(digest, structuredClone(record));
  }

  async resolveToken(digest: string) {
    const token = this.#tokens.get(digest);
    if (!token) return undefined;
    return { token: structuredClone(token), tenant: await this.getTenant(token.tenant) };
  }

  async listTokens(tenant: TenantId) {
    return [...this.#tokens]
      .filter(([, record]) => record.tenant === tenant)
      .map(([digest, record]) => ({ digest, record: structuredClone(record) }));
  }
}
