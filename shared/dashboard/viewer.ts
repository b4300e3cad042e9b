import { isAdminToken } from "../auth/admin-token";
import type { Services } from "../services";
import type { TenantRecord } from "../tenants/tenant-record";
import type { TokenProblem, TokenRecord } from "../tenants/token-record";

/** Who holds a dashboard session: the operator (any tenant) or one tenant's manage token. */
export type Viewer =
  | { kind: "admin" }
  | { kind: "tenant"; tenant: TenantRecord; token: TokenRecord }
  | { kind: "refused"; problem: TokenProblem | "insufficient_scope" };

/**
 * Checks a token presented to the dashboard, on every request so that a revocation, an expiry or
 * a disabled tenant ends a session as it ends API access. The admin token is compared in constant
 * time; a tenant token needs the `manage` scope, as `GET /v1/stats` does.
 */
export async function identifyViewer(services: Services, token: string): Promise<Viewer> {
  const adminToken = services.config.ADMIN_TOKEN;
  if (adminToken && (await isAdminToken(token, adminToken))) return { kind: "admin" };
  const verification = await services.tokens.verify(token);
  if (!verification.ok) return { kind: "refused", problem: verification.problem };
  if (!verification.token.scopes.includes("manage")) return { kind: "refused", problem: "insufficient_scope" };
  return { kind: "tenant", tenant: verification.tenant, token: verification.token };
}
