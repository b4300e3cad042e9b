import { randomBytes } from "node:crypto";
import { setTimeout as sleepFor } from "node:timers/promises";
import type { Problem } from "./check-result.ts";
import { type Answer, type DeploymentClient, describeAnswer, UnreachableError } from "./deployment-client.ts";

/**
 * A tenant the round trip creates for itself and deletes afterwards (DELETE /admin/tenants/{id},
 * its purge followed to the end), so the check never touches a real tenant's data and leaves
 * nothing behind. Its token expires on its own after TOKEN_LIFETIME_SECONDS, should the doctor be
 * stopped before it cleans up.
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

/** Creates the tenant and issues it a read and write token. */
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
      body: { name: "doctor", scopes: ["read", "write"], expiresInSeconds: TOKEN_LIFETIME_SECONDS },
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

export interface TearDownOptions {
  /** How a wait the deployment asks for is waited out. */
  sleep?: (ms: number) => Promise<unknown>;
  /** The longest the purge's waits may take in all before the doctor leaves the rest to the admin CLI. @default 30000 */
  maxWaitMs?: number;
  /** Memory-only: the tenant lives in the memory of the isolate that created it, and goes with it. */
  memoryOnly?: boolean;
}

/** Pages of the purge the doctor makes at most: its tenant holds a handful of keys. */
const MAX_PURGE_PAGES = 100;

/** `unfinished`: the tenant is deleted (no token of it works), some of its keys are still to be swept. */
type Removal = { kind: "removed" } | { kind: "failed"; detail: string } | { kind: "unfinished"; detail: string };

/**
 * Deletes the tenant, with its token and every key it has, following the purge's pages until the
 * deployment answers done. Returns what was done and, for what was not, how to finish it by hand.
 */
export async function tearDownThrowawayTenant(
  client: DeploymentClient,
  adminToken: string,
  tenant: ThrowawayTenant,
  options: TearDownOptions = {},
): Promise<{ done: string[]; problems: Problem[] }> {
  if (!tenant.created) return { done: [], problems: [] };
  let removal: Removal;
  try {
    removal = await removeTenant(client, adminToken, tenant.id, options);
  } catch (error) {
    if (!(error instanceof UnreachableError)) throw error;
    removal = { kind: "failed", detail: error.reason };
  }
  const fix = `\`npm run admin -- tenant delete ${tenant.id}\``;
  switch (removal.kind) {
    case "removed":
      return { done: ["tenant removed"], problems: [] };
    case "unfinished":
      return {
        done: ["tenant deleted"],
        problems: [{ message: `cleanup of ${tenant.id}: its keys are not all removed yet (${removal.detail})`, fix }],
      };
    case "failed": {
      const memoryFix = "memory-only: the tenant lives in the memory of the isolate that created it, and goes with it";
      return {
        done: [],
        problems: [
          { message: `cleanup of ${tenant.id}: tenant delete failed (${removal.detail})`, fix: options.memoryOnly ? memoryFix : fix },
        ],
      };
    }
  }
}

async function removeTenant(client: DeploymentClient, adminToken: string, id: string, options: TearDownOptions): Promise<Removal> {
  const sleep = options.sleep ?? sleepFor;
  const maxWaitMs = options.maxWaitMs ?? 30_000;
  let waitedMs = 0;
  let cursor: string | undefined;
  for (let page = 1; page <= MAX_PURGE_PAGES; page++) {
    const query = cursor === undefined ? "" : `?cursor=${encodeURIComponent(cursor)}`;
    const answer = await client.call(`/admin/tenants/${id}${query}`, { method: "DELETE", token: adminToken });
    // Past the first page, a 404 means another caller finished the purge.
    if (answer.status === 404 && page > 1) return { kind: "removed" };
    const body = (answer.json ?? {}) as { done?: unknown; cursor?: unknown; retryAfterMs?: unknown };
    if (answer.status === 200 && body.done === true) return { kind: "removed" };
    if (answer.status !== 200 || body.done !== false || typeof body.cursor !== "string") {
      const detail = answer.status === 200 ? "an answer that is not a page of the purge" : describeAnswer(answer);
      // Once one page answered, the tenant is deleted: only its purge is left.
      return page > 1 ? { kind: "unfinished", detail } : { kind: "failed", detail };
    }
    const waitMs = typeof body.retryAfterMs === "number" ? body.retryAfterMs : 0;
    if (waitedMs + waitMs > maxWaitMs) return { kind: "unfinished", detail: `its purge can end in ${Math.ceil(waitMs / 1000)} s` };
    if (waitMs > 0) await sleep(waitMs);
    waitedMs += waitMs;
    cursor = body.cursor;
  }
  return { kind: "unfinished", detail: `still going after ${MAX_PURGE_PAGES} pages` };
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
