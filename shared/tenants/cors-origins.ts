import type { TenantRegistry } from "./registry";

export interface CorsOriginsOptions {
  registry: TenantRegistry;
  /** How long the union of allowed origins is reused. @default 5000 */
  cacheMs?: number;
  now?: () => number;
}

/**
 * The browser origins any tenant or token allows. A CORS preflight carries no credentials, so
 * it cannot be checked against one tenant: it passes only for an origin some tenant configured,
 * and the request that follows is checked against its own token's and tenant's origins.
 */
export class CorsOrigins {
  readonly #registry: TenantRegistry;
  readonly #cacheMs: number;
  readonly #now: () => number;
  #cached: { origins: Set<string>; at: number } | undefined;

  constructor(options: CorsOriginsOptions) {
    this.#registry = options.registry;
    this.#cacheMs = options.cacheMs ?? 5000;
    this.#now = options.now ?? Date.now;
  }

  async isKnown(origin: string): Promise<boolean> {
    const cached = this.#cached;
    if (cached && this.#now() - cached.at < this.#cacheMs) return cached.origins.has(origin);
    try {
      return (await this.#load()).has(origin);
    } catch {
      return cached?.origins.has(origin) ?? false;
    }
  }

  // Not shared between concurrent requests: in Workers, awaiting another request's I/O can
  // cancel the waiter along with that request.
  async #load(): Promise<Set<string>> {
    const origins = await this.#collect();
    this.#cached = { origins, at: this.#now() };
    return origins;
  }

  async #collect(): Promise<Set<string>> {
    const origins = new Set<string>();
    for (const tenant of await this.#registry.listTenants()) {
      if (tenant.status !== "active") continue;
      for (const origin of tenant.allowedOrigins) origins.add(origin);
      for (const { record } of await this.#registry.listTokens(tenant.id))
        for (const origin of record.allowedOrigins ?? []) origins.add(origin);
    }
    return origins;
  }
}
