import type { Context } from "hono";
import { ApiError, type ErrorCode } from "../../shared/errors";
import type { TokenProblem } from "../../shared/tenants/token-record";
import type { AppEnv } from "../app-env";
import { parseBearer } from "../http/bearer";
import { inRequestBudget } from "../http/request-budget";
import { clientAddress, countAuthFailure, refuseThrottledClient } from "./auth-failures";

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
 *
 * Failed authentications (no or a malformed header, an unknown, revoked or expired token) count
 * against the client; past AUTH_FAILURES_PER_MINUTE its requests are refused with 429 before the
 * HMAC and the Redis lookup, unless their token already verified in this isolate: a client behind
 * the same address as a guesser keeps working. A disabled tenant's token is a real token and does
 * not count.
 */
export async function authenticate(c: Context<AppEnv>): Promise<void> {
  const services = c.get("services");
  const bearer = parseBearer(c.req.header("Authorization"), challenge);
  const token = "token" in bearer ? bearer.token : undefined;
  const client = clientAddress(c);
  if (token === undefined || !services.tokens.hasVerified(token)) refuseThrottledClient(c, client);
  if ("refusal" in bearer) {
    countAuthFailure(c, client);
    throw bearer.refusal;
  }
  // A token verified in this isolate within the lookup cache's bound answers without Redis.
  const verification = services.tokens.verifyCached(bearer.token) ?? (await inRequestBudget(c, () => services.tokens.verify(bearer.token)));
  if (!verification.ok) {
    if (verification.problem !== "tenant_disabled") countAuthFailure(c, client);
    const problem = problems[verification.problem];
    throw new ApiError(problem.status, problem.code, problem.message, problem.status === 401 ? challenge : undefined);
  }
  c.set("tenant", verification.tenant.id);
  c.set("tenantRecord", verification.tenant);
  c.set("token", verification.token);
}
