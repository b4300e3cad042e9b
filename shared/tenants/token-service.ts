import type { TenantId } from "../cache/keys";
import { ApiError } from "../errors";
import { LruMap } from "../lru-map";
import type { TenantRegistry } from "./registry";
import type { TenantRecord } from "./tenant-record";
import type { TokenDigester } from "./token-digest";
import { generateToken, isWellFormedToken, tokenHint } from "./token-format";
import { TokenLookups, type TokenLookupsOptions } from "./token-lookups";
import { type TokenIssue, type TokenProblem, type TokenRecord, tokenProblem } from "./token-record";

export type Verification = { ok: true; tenant: TenantRecord; token: TokenRecord } | { ok: false; problem: TokenProblem };

export interface TokenServiceOptions extends TokenLookupsOptions {
  digester: TokenDigester;
}

/** Issues, verifies, lists, revokes and rotates tenant tokens. */
export class TokenService {
  readonly #registry: TenantRegistry;
  readonly #digester: TokenDigester;
  readonly #lookups: TokenLookups;
  readonly #now: () => number;
  /** Token → digest, for tokens that verified: they skip the HMAC, and the failure throttle. */
  readonly #verified: LruMap<string, string>;

  constructor(options: TokenServiceOptions) {
    this.#registry = options.registry;
    this.#digester = options.digester;
    this.#lookups = new TokenLookups(options);
    this.#now = options.now ?? Date.now;
    this.#verified = new LruMap(options.maxCached ?? 10_000);
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
    const digest = await this.#digester.digest(token);
    // The tenant was deleted after the caller found it: the token was not stored.
    if (!(await this.#registry.putToken(digest, record))) throw new ApiError(404, "not_found", "No such tenant");
    this.#lookups.forget(digest);
    return { token, record };
  }

  /** Whether this token verified in this isolate, and has not failed since. */
  hasVerified(token: string): boolean {
    return this.#verified.has(token);
  }

  /**
   * The verification of a token that verified in this isolate and whose lookup is still within
   * its cache bound, without I/O; undefined when only `verify` can tell (it may ask Redis).
   */
  verifyCached(token: string): Verification | undefined {
    const digest = this.#verified.get(token);
    const resolved = digest ? this.#lookups.cached(digest) : undefined;
    if (!resolved?.tenant || tokenProblem(resolved.token, resolved.tenant.status, this.#now())) return undefined;
    return { ok: true, tenant: resolved.tenant, token: resolved.token };
  }

  async verify(token: string): Promise<Verification> {
    const digest = await this.#digestOf(token);
    const resolved = digest ? await this.#lookups.resolve(digest) : undefined;
    const problem = resolved ? tokenProblem(resolved.token, resolved.tenant?.status, this.#now()) : "unknown";
    if (!digest || problem || !resolved?.tenant) {
      this.#verified.delete(token);
      return { ok: false, problem: problem ?? "unknown" };
    }
    this.#verified.set(token, digest);
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
    const stored = await this.#registry.putToken(found.digest, revoked);
    this.#lookups.forget(found.digest);
    // Not stored: the tenant was deleted meanwhile, and the token with it.
    return stored ? revoked : undefined;
  }

  /** Drops this isolate's cached lookups of tokens just removed, so they fail here at once. */
  forget(digests: readonly string[]): void {
    for (const digest of digests) this.#lookups.forget(digest);
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

  // The HMAC is the costliest step of a cached verification; a token that verified skips it.
  async #digestOf(token: string): Promise<string | undefined> {
    const known = this.#verified.get(token);
    if (known) return known;
    if (!isWellFormedToken(token)) return undefined;
    return this.#digester.digest(token);
  }
}
