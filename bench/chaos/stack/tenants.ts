import { createAdminClient } from "../../../tools/admin/admin-client.ts";
import type { Access } from "../traffic/send.ts";

/** Rate limit of the metered tenant: far above its traffic, so every check may count once and none refuses. */
export const METERED_RULE = { requests: 1_000_000, windowSeconds: 2 } as const;
/** Rate limit of one token of the metered tenant: below its traffic, so it refuses. */
export const TIGHT_RULE = { requests: 20, windowSeconds: 2 } as const;

export interface ChaosTenants {
  /** Tenants with ordinary traffic, each with a read/write/manage token. */
  regular: Access[];
  /** A tenant with a (never reached) rate limit, and a token of it with a tight one. */
  metered: Access;
  tight: Access & { tokenId: string };
  flood: Access;
}

/** Creates the tenants and tokens through the admin API, as an operator would. */
export async function createChaosTenants(url: string, adminToken: string): Promise<ChaosTenants> {
  const admin = createAdminClient({ url, adminToken });
  const scopes = ["read", "write", "manage"];
  const tenant = async (id: string, extra: Record<string, unknown> = {}): Promise<Access> => {
    await admin.createTenant({ id, name: `chaos ${id}`, ...extra });
    const issued = await admin.issueToken(id, { name: "chaos", scopes });
    return { tenant: id, token: issued.token, tokenKind: "main" };
  };
  const regular = [await tenant("alpha"), await tenant("beta"), await tenant("gamma")];
  const metered = await tenant("metered", { limits: { rateLimit: METERED_RULE } });
  const tightToken = await admin.issueToken("metered", { name: "chaos tight", scopes: ["read", "write"], rateLimit: TIGHT_RULE });
  const flood = await tenant("flood");
  return { regular, metered, tight: { tenant: "metered", token: tightToken.token, tokenKind: "tight", tokenId: tightToken.id }, flood };
}
