import type { Context } from "hono";
import { ApiError, type ErrorCode } from "../../shared/errors";
import type { TokenProblem } from "../../shared/tenants/token-record";
import type { AppEnv } from "../app-env";
import { bearerToken } from "../http/bearer";

const challenge = { "WWW-Authenticate": 'Bearer realm="edge-cache"' };

const problems: Record<TokenProblem, { status: 401 | 403; code: ErrorCode; message: string }> = {
  unknown: { status: 401, code: "unauthorized", message: "Token is not valid" },
  expired: { status: 401, code: "token_expired", message: "Token has expired" },
  revoked: { status: 401, code: "token_revoked", message: "Token has been revoked" },
  tenant_disabled: { status: 403, code: "tenant_disabled", message: "Tenant is disabled" },
};

/**
 * Resolves `Authorization: Bearer <token>` to the tenant every /v1 handler works for. The tenant
 * comes from the token only: no handler reads a tenant from the URL, the query or the body.
 */
export async function authenticate(c: Context<AppEnv>): Promise<void> {
  const token = bearerToken(c.req.header("Authorization"), challenge);
  const verification = await c.get("services").tokens.verify(token);
  if (!verification.ok) {
    const problem = problems[verification.problem];
    throw new ApiError(problem.status, problem.code, problem.message, problem.status === 401 ? challenge : undefined);
  }
  c.set("tenant", verification.tenant.id);
  c.set("tenantRecord", verification.tenant);
  c.set("token", verification.token);
}
