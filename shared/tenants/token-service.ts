import type { TenantId } from "../cache/keys";
import { StoreUnavailableError } from "../cache/store";
import type { TenantRegistry } from "./registry";
import type { TenantRecord } from "./tenant-record";
import type { TokenDigester } from "./token-digest";
import { generateToken, isWellFormedToken, tokenHint } from "./token-format";
import { type TokenIssue, type TokenProblem, type TokenRecord, tokenProblem } from "./token-record";

export type Verification = { ok: true; tenant: TenantRecord; token: TokenRecord } | { ok: false; problem: TokenProblem };

export interface TokenServiceOptions {
  registry: TenantRegistry;
  digester: TokenDigester;
  /** How long a verification is reused before the registry is asked again: the revocation bound. @default 5000 */
  cacheMs?: number;
  /** How long a cached verification may still be used while the registry is unreachable. @default 300000 */
  staleIfErrorMs?: number;
  /** Verifications kept per isolate. @default 10000 */
  maxCached?: number;
  now?: () => number;
}

interface Cached {
  resolved: { token: TokenRecord; tenant: TenantRecord | undefined } | undefined;
  at: number;
}

/** Issues, verifies, lists, revokes and rotates tenant tokens. */
export class TokenService {
  readonly #registry: TenantRegistry;
  readonly #digester: TokenDigester;
  readonly #cacheMs: number;
  readonly #staleIfErrorMs: number;
  readonly #maxCached: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, Cached>();
  readonly #digests = new Map<string, string>();
  readonly #refreshing = new Set<string>();

  constructor(options: TokenServiceOptions) {
    this.#registry = options.registry;
    this.#digester = options.digester;
    this.#cacheMs = options.cacheMs ?? 5000;
    this.#staleIfErrorMs = options.staleIfErrorMs ?? 300_000;
    this.#maxCached = options.maxCached ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** The token is in the answer once and never again: only its digest is stored. */
  async issue(tenant: TenantId, input: TokenIssue): Promise<{ token: string; record: TokenRecord }> {
    const token = generateToken();
    const now = this.#now();
    const record: TokenRecord = {
      id: crypto.randomUUID(),
      tenant,
      ...(input.name ? { name: input.name } : {}),
      scopes: [...new Set(input.scopes)],
      hint: tokenHint(token),
      ...(input.allowedOrigins ? { allowedOrigins: input.allowedOrigins } : {}),
      ...(input.rateLimit ? { rateLimit: input.rateLimit } : {}),
      createdAt: new Date(now).toISOString(),
      ...(input.expiresInSeconds ? { expiresAt: new Date(now + input.expiresInSeconds * 1000).toISOString() } : {}),
    };
    await this.#registry.putToken(await this.#digester.digest(token), record);
    return { token, record };
  }

  async verify(token: string): Promise<Verification> {
    const digest = await this.#digestOf(token);
    if (!digest) return { ok: false, problem: "unknown" };
    const resolved = await this.#resolve(digest);
    if (!resolved) return { ok: false, problem: "unknown" };
    const problem = tokenProblem(resolved.token, resolved.tenant?.status, this.#now());
    if (problem || !resolved.tenant) return { ok: false, problem: problem ?? "unknown" };
    return { ok: true, tenant: resolved.tenant, token: resolved.token };
  }

  async list(tenant: TenantId): Promise<TokenRecord[]> {
    return (await this.#registry.listTokens(tenant)).map(({ record }) => record);
  }

  /** Marks a token revoked; false when the tenant has no token with that id. */
  async revoke(tenant: TenantId, tokenId: string): Promise<TokenRecord | undefined> {
    const found = (await this.#registry.listTokens(tenant)).find(({ record }) => record.id === tokenId);
    if (!found) return undefined;
    const revoked = { ...found.record, revokedAt: found.record.revokedAt ?? new Date(this.#now()).toISOString() };
    await this.#registry.putToken(found.digest, revoked);
    this.#cache.delete(found.digest);
    return revoked;
  }

  /** A new token with the same settings; the old one is revoked at once. */
  async rotate(tenant: TenantId, tokenId: string): Promise<{ token: string; record: TokenRecord } | undefined> {
    const found = (await this.#registry.listTokens(tenant)).find(({ record }) => record.id === tokenId);
    if (!found || found.record.revokedAt) return undefined;
    const remainingSeconds = found.record.expiresAt
      ? Math.max(60, Math.floor((Date.parse(found.record.expiresAt) - this.#now()) / 1000))
      : undefined;
    const issued = await this.issue(tenant, {
      ...(found.record.name ? { name: found.record.name } : {}),
      scopes: found.record.scopes,
      ...(found.record.allowedOrigins ? { allowedOrigins: found.record.allowedOrigins } : {}),
      ...(found.record.rateLimit ? { rateLimit: found.record.rateLimit } : {}),
      ...(remainingSeconds ? { expiresInSeconds: remainingSeconds } : {}),
    });
    await this.revoke(tenant, tokenId);
    return issued;
  }

  // The HMAC is the costliest step of a cached verification; a token seen recently skips it.
  async #digestOf(token: string): Promise<string | undefined> {
    const known = this.#digests.get(token);
    if (known) return known;
    if (!isWellFormedToken(token)) return undefined;
    const digest = await this.#digester.digest(token);
    this.#digests.set(token, digest);
    if (this.#digests.size > this.#maxCached) {
      const oldest = this.#digests.keys().next().value;
      if (oldest !== undefined) this.#digests.delete(oldest);
    }
    return digest;
  }

  async #resolve(digest: string): Promise<Cached["resolved"]> {
    const now = this.#now();
    const cached = this.#cache.get(digest);
    if (cached && now - cached.at < this.#cacheMs) return cached.resolved;
    // One refresh per token at a time: concurrent requests keep the answer being refreshed, at
    // most one round trip past the bound, instead of each asking Redis (or awaiting another
    // request's I/O, which in Workers could cancel them together).
    if (cached && this.#refreshing.has(digest)) return cached.resolved;
    this.#refreshing.add(digest);
    try {
      const resolved = await this.#registry.resolveToken(digest);
      this.#remember(digest, { resolved, at: now });
      return resolved;
    } catch (error) {
      // Redis is down: a recent answer beats refusing every caller, within a bounded window.
      if (error instanceof StoreUnavailableError && cached && now - cached.at < this.#staleIfErrorMs) return cached.resolved;
      throw error;
    } finally {
      this.#refreshing.delete(digest);
    }
  }

  #remember(digest: string, cached: Cached): void {
    this.#cache.delete(digest);
    this.#cache.set(digest, cached);
    if (this.#cache.size > this.#maxCached) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
  }
}
