import { StoreUnavailableError } from "../cache/store";
import { LruMap } from "../lru-map";
import type { TenantRegistry } from "./registry";

export interface CorsOriginsOptions {
  registry: TenantRegistry;
  /** How long an answer for an origin (allowed or not) is reused. @default 5000 */
  cacheMs?: number;
  /** How long an allowed origin stays allowed while the registry cannot be asked. @default 300000 */
  staleIfErrorMs?: number;
  /** Origins remembered per isolate, each of the allowed and the refused; least recently used go first. @default 10000 */
  maxOrigins?: number;
  now?: () => number;
}

/**
 * Whether some tenant or token allows a browser origin, for CORS preflights. A preflight carries
 * no credentials, so it cannot be checked against one tenant: it passes for an origin someone
 * allows, and the request that follows is checked against its own token's and tenant's origins.
 * Each origin is one lookup in the registry's origin index, cached here. Allowed and refused
 * origins are cached apart, so a flood of made-up origins never pushes out the allowed ones.
 */
export class CorsOrigins {
  readonly #registry: TenantRegistry;
  readonly #cacheMs: number;
  readonly #staleIfErrorMs: number;
  readonly #now: () => number;
  /** Origin → when it was last found allowed. */
  readonly #allowed: LruMap<string, number>;
  /** Origin → when it was last found refused. */
  readonly #refused: LruMap<string, number>;

  constructor(options: CorsOriginsOptions) {
    this.#registry = options.registry;
    this.#cacheMs = options.cacheMs ?? 5000;
    this.#staleIfErrorMs = options.staleIfErrorMs ?? 300_000;
    this.#now = options.now ?? Date.now;
    this.#allowed = new LruMap(options.maxOrigins ?? 10_000);
    this.#refused = new LruMap(options.maxOrigins ?? 10_000);
  }

  /** The answer this isolate holds for the origin and may still use, or undefined when it must ask. */
  cachedAnswer(origin: string): boolean | undefined {
    const now = this.#now();
    const allowedAt = this.#allowed.get(origin);
    if (allowedAt !== undefined && now - allowedAt < this.#cacheMs) return true;
    const refusedAt = this.#refused.get(origin);
    if (refusedAt !== undefined && now - refusedAt < this.#cacheMs) return false;
    return undefined;
  }

  /** Drops cached answers for origins whose index just changed here, so the next preflight asks again. */
  forget(origins: readonly string[]): void {
    for (const origin of origins) {
      this.#allowed.delete(origin);
      this.#refused.delete(origin);
    }
  }

  /** Whether the origin is allowed; asks the registry unless a fresh answer is cached. */
  async isAllowed(origin: string): Promise<boolean> {
    const cached = this.cachedAnswer(origin);
    if (cached !== undefined) return cached;
    const now = this.#now();
    try {
      const allowed = await this.#registry.allowsOrigin(origin);
      if (allowed) {
        this.#allowed.set(origin, now);
        this.#refused.delete(origin);
      } else {
        this.#refused.set(origin, now);
        this.#allowed.delete(origin);
      }
      return allowed;
    } catch (error) {
      // Redis is down: an origin allowed recently stays allowed for a bounded time, as a token
      // verified recently does, rather than breaking every browser client during an outage.
      const allowedAt = this.#allowed.peek(origin);
      if (error instanceof StoreUnavailableError && allowedAt !== undefined && now - allowedAt < this.#staleIfErrorMs) return true;
      throw error;
    }
  }
}
