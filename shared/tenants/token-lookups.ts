import { StoreUnavailableError } from "../cache/store";
import { LruMap } from "../lru-map";
import type { TenantRegistry } from "./registry";
import type { TenantRecord } from "./tenant-record";
import type { TokenRecord } from "./token-record";

export interface ResolvedToken {
  token: TokenRecord;
  tenant: TenantRecord | undefined;
}

export interface TokenLookupsOptions {
  registry: TenantRegistry;
  /** How long a lookup is reused before the registry is asked again: the revocation bound. @default 5000 */
  cacheMs?: number;
  /** How long a cached lookup may still be used while the registry is unreachable. @default 300000 */
  staleIfErrorMs?: number;
  /** Lookups of digests the registry knows kept per isolate (and, by TokenService, tokens that verified). @default 10000 */
  maxCached?: number;
  /**
   * How long a digest the registry does not know is remembered as unknown. Tokens are 238 random
   * bits drawn by the server when it issues them, so a token nobody was issued cannot become
   * valid later: only a guess of a token issued afterwards could, with odds of 2^-238. The bound
   * is there for Redis losing data and getting it back (a restored backup), not for issuance.
   * @default 60000
   */
  unknownCacheMs?: number;
  /** Unknown digests remembered; kept apart so made-up tokens never push out real lookups. @default 1000 */
  maxUnknown?: number;
  /**
   * How long a re-lookup in progress lets other requests keep the answer being refreshed. A
   * request can be cancelled at any await and its `finally` never run: past this, the marker it
   * left is ignored and the next request asks the registry. Set it to the longest a call can take
   * (script-runner.ts `longestCallMs`). @default 2500
   */
  refreshTimeoutMs?: number;
  now?: () => number;
}

interface Cached {
  resolved: ResolvedToken;
  at: number;
}

/** What the registry says about token digests, cached in the isolate, every map bounded. */
export class TokenLookups {
  readonly #registry: TenantRegistry;
  readonly #cacheMs: number;
  readonly #staleIfErrorMs: number;
  readonly #unknownCacheMs: number;
  readonly #refreshTimeoutMs: number;
  readonly #now: () => number;
  /** Digest → what the registry answered for it, for digests it knows. */
  readonly #cache: LruMap<string, Cached>;
  /** Digest → when the registry last said it knows no such token. */
  readonly #unknown: LruMap<string, number>;
  /** Digest → when its re-lookup started. */
  readonly #refreshing: LruMap<string, number>;

  constructor(options: TokenLookupsOptions) {
    this.#registry = options.registry;
    this.#cacheMs = options.cacheMs ?? 5000;
    this.#staleIfErrorMs = options.staleIfErrorMs ?? 300_000;
    this.#unknownCacheMs = options.unknownCacheMs ?? 60_000;
    this.#refreshTimeoutMs = options.refreshTimeoutMs ?? 2500;
    this.#now = options.now ?? Date.now;
    const maxCached = options.maxCached ?? 10_000;
    this.#cache = new LruMap(maxCached);
    this.#refreshing = new LruMap(maxCached);
    this.#unknown = new LruMap(options.maxUnknown ?? 1000);
  }

  /** Drops what is cached for a digest whose record this isolate just changed or created. */
  forget(digest: string): void {
    this.#cache.delete(digest);
    this.#unknown.delete(digest);
  }

  /** A digest's answer while it is within the cache bound; undefined when `resolve` must decide. */
  cached(digest: string): ResolvedToken | undefined {
    const cached = this.#cache.get(digest);
    return cached && this.#isFresh(cached, this.#now()) ? cached.resolved : undefined;
  }

  #isFresh(cached: Cached, now: number): boolean {
    return now - cached.at < this.#cacheMs;
  }

  async resolve(digest: string): Promise<ResolvedToken | undefined> {
    const now = this.#now();
    const unknownAt = this.#unknown.get(digest);
    if (unknownAt !== undefined && now - unknownAt < this.#unknownCacheMs) return undefined;
    const cached = this.#cache.get(digest);
    if (cached && this.#isFresh(cached, now)) return cached.resolved;
    // One refresh per token at a time: concurrent requests keep the answer being refreshed, at
    // most one round trip past the bound, instead of each asking Redis (or awaiting another
    // request's I/O, which in Workers could cancel them together). A marker older than any call
    // can take was left by a cancelled request and no longer holds the old answer in place.
    const refreshingSince = this.#refreshing.peek(digest);
    if (cached && refreshingSince !== undefined && now - refreshingSince < this.#refreshTimeoutMs) return cached.resolved;
    this.#refreshing.set(digest, now);
    try {
      const resolved = await this.#registry.resolveToken(digest);
      if (resolved) {
        this.#cache.set(digest, { resolved, at: now });
      } else {
        this.#cache.delete(digest);
        this.#unknown.set(digest, now);
      }
      return resolved;
    } catch (error) {
      // Redis is down: a recent answer beats refusing every caller, within a bounded window.
      if (error instanceof StoreUnavailableError && cached && now - cached.at < this.#staleIfErrorMs) return cached.resolved;
      throw error;
    } finally {
      if (this.#refreshing.peek(digest) === now) this.#refreshing.delete(digest);
    }
  }
}
