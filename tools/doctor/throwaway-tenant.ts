import { randomBytes } from "node:crypto";
import type { Problem } from "./check-result.ts";
import { type Answer, type DeploymentClient, describeAnswer, UnreachableError } from "./deployment-client.ts";

/**
 * A tenant the round trip creates for itself and takes apart afterwards, so the check never
 * touches a real tenant's data. The admin API has no route that deletes a tenant, so taking it
 * apart means: its entries cleared, its token revoked, the tenant disabled. Its token expires on
 * its own after TOKEN_LIFETIME_SECONDS, should the doctor be stopped before it cleans up.
 */

export const THROWAWAY_PREFIX = "doctor-";
const TOKEN_LIFETIME_SECONDS = 600;

export interface ThrowawayTenant {
  id: string;
  created: boolean;
  token?: string;
  tokenId?: string;
}

/** A step of the round trip answered something else than it should have. */
export class StepFailedError extends Error {
  override readonly name = "StepFailedError";

  constructor(
    readonly step: string,
    readonly answer: Answer | undefined,
    detail: string,
  ) {
    super(`${step}: ${detail}`);
  }
}

export function newThrowawayTenant(): ThrowawayTenant {
  return { id: `${THROWAWAY_PREFIX}${randomBytes(6).toString("hex")}`, created: false };
}

/** Creates the tenant and issues it a read, write and manage token (manage: to clear its entries). */
export async function setUpThrowawayTenant(client: DeploymentClient, adminToken: string, tenant: ThrowawayTenant): Promise<string> {
  const created = await step("create tenant", () =>
    client.call("/admin/tenants", {
      method: "POST",
      token: adminToken,
      body: { id: tenant.id, name: "edge-cache doctor probe (safe to delete)" },
    }),
  );
  if (created.status !== 201) throw new StepFailedError("create tenant", created, describeAnswer(created));
  tenant.created = true;
  const issued = await step("issue token", () =>
    client.call(`/admin/tenants/${tenant.id}/tokens`, {
      method: "POST",
      token: adminToken,
      body: { name: "doctor", scopes: ["read", "write", "manage"], expiresInSeconds: TOKEN_LIFETIME_SECONDS },
    }),
  );
  const { token, id } = (issued.json ?? {}) as { token?: unknown; id?: unknown };
  if (issued.status !== 201 || typeof token !== "string" || typeof id !== "string") {
    throw new StepFailedError("issue token", issued, describeAnswer(issued));
  }
  tenant.token = token;
  tenant.tokenId = id;
  return token;
}

/**
 * Takes apart whatever of the tenant exists, each part on its own so one failing leaves the
 * others done. Returns what was done and, for what was not, how to finish it by hand.
 */
export async function tearDownThrowawayTenant(
  client: DeploymentClient,
  adminToken: string,
  tenant: ThrowawayTenant,
): Promise<{ done: string[]; problems: Problem[] }> {
  const done: string[] = [];
  const problems: Problem[] = [];
  const attempt = async (what: string, call: () => Promise<Answer>, expected: number, fix: string) => {
    try {
      const answer = await call();
      if (answer.status === expected) done.push(what);
      else problems.push({ message: `cleanup of ${tenant.id}: ${what} failed (${describeAnswer(answer)})`, fix });
    } catch (error) {
      if (!(error instanceof UnreachableError)) throw error;
      problems.push({ message: `cleanup of ${tenant.id}: ${what} failed (${error.reason})`, fix });
    }
  };
  if (tenant.token !== undefined) {
    const token = tenant.token;
    await attempt(
      "entries cleared",
      () => client.call("/v1/cache", { method: "DELETE", token }),
      204,
      "its one entry expires within 60 s anyway",
    );
  }
  if (tenant.tokenId !== undefined) {
    const tokenId = tenant.tokenId;
    await attempt(
      "token revoked",
      () => client.call(`/admin/tenants/${tenant.id}/tokens/${tokenId}`, { method: "DELETE", token: adminToken }),
      204,
      `\`npm run admin -- token revoke ${tenant.id} ${tokenId}\` (it expires within ${TOKEN_LIFETIME_SECONDS / 60} min anyway)`,
    );
  }
  if (tenant.created) {
    await attempt(
      "tenant disabled",
      () => client.call(`/admin/tenants/${tenant.id}`, { method: "PATCH", token: adminToken, body: { status: "disabled" } }),
      200,
      `\`npm run admin -- tenant disable ${tenant.id}\``,
    );
  }
  return { done, problems };
}

/** Runs one call of a step; no answer at all fails the step. */
export async function step(name: string, call: () => Promise<Answer>): Promise<Answer> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof UnreachableError) throw new StepFailedError(name, undefined, error.reason);
    throw error;
  }
}
