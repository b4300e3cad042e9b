import { z } from "zod";
import { isTenantId, type TenantId } from "../cache/keys";
import { digestHex } from "../encoding";

/**
 * Bearer tokens mapped to tenants by the TENANT_TOKENS secret, `{"<token>": "<tenant id>"}`.
 * Only digests are kept in memory, and lookups go by digest, so comparing a presented token
 * never walks a secret byte by byte.
 */
export class StaticTokenVerifier {
  readonly #tenantsByDigest: Map<string, TenantId>;

  private constructor(tenantsByDigest: Map<string, TenantId>) {
    this.#tenantsByDigest = tenantsByDigest;
  }

  static async fromSecret(secret: string | undefined): Promise<StaticTokenVerifier> {
    const tokens = parseTenantTokens(secret);
    const entries = await Promise.all(
      Object.entries(tokens).map(async ([token, tenant]) => [await digestHex("SHA-256", token), tenant] as const),
    );
    return new StaticTokenVerifier(new Map(entries));
  }

  async verify(token: string): Promise<TenantId | undefined> {
    return this.#tenantsByDigest.get(await digestHex("SHA-256", token));
  }
}

const tenantTokensSchema = z.record(
  z.string().min(16, "tokens must be at least 16 characters"),
  z.string().refine(isTenantId, "tenant ids are 1-63 of a-z 0-9 _ - starting with a letter or digit"),
);

export class TenantTokensError extends Error {
  override name = "TenantTokensError";
}

/** Throws TenantTokensError describing the problem, never echoing a token. */
export function parseTenantTokens(secret: string | undefined): Record<string, TenantId> {
  if (!secret) return {};
  let json: unknown;
  try {
    json = JSON.parse(secret);
  } catch {
    throw new TenantTokensError("TENANT_TOKENS: must be a JSON object of token to tenant id");
  }
  const parsed = tenantTokensSchema.safeParse(json);
  if (!parsed.success) {
    const messages = [...new Set(parsed.error.issues.map((issue) => issue.message))];
    throw new TenantTokensError(`TENANT_TOKENS: ${messages.join("; ")}`);
  }
  return parsed.data as Record<string, TenantId>;
}
