import * as z from "zod";
import type { TenantId } from "../cache/keys";
import { longestCallMs } from "../redis/script-runner";
import type { Services } from "../services";
import { NEW_PASS } from "./purge-cursor";
import type { DeletedTenant, TenantPurge } from "./registry";
import { readPurge, sweepDatabases, sweepPage } from "./tenant-purge";

/**
 * DELETE /admin/tenants/{id}, one call at a time. The first call deletes the tenant (record,
 * tokens, origin index memberships, its entries hidden: one script) and sweeps a first page of its
 * keys; the caller repeats with the answered cursor until `done`. In memory-only mode the first
 * call does everything.
 */

export const tenantDeletionPageSchema = z.object({
  deleted: z.literal(true),
  done: z.boolean().meta({ description: "true once no key of the tenant is left; its id may then be created again" }),
  cursor: z.string().meta({ description: 'Send it back as `?cursor=` for the next page ("0": start a new pass)' }),
  keysDeleted: z.number().int().meta({ description: "Keys this call removed" }),
  retryAfterMs: z
    .number()
    .int()
    .optional()
    .meta({ description: "A pass ended before the quiet period did: wait this long, then call again to start the final pass" }),
});

export type TenantDeletionPage = z.output<typeof tenantDeletionPageSchema>;

export interface TenantDeletionRequest {
  /** From the previous answer; absent: delete the tenant, or go on with its purge from a new pass. */
  cursor?: string | undefined;
  /** Keys a page gathers before deleting them. */
  count: number;
}

export type TenantDeletionOutcome =
  | { kind: "page"; page: TenantDeletionPage }
  /** No such tenant and no purge of one. */
  | { kind: "not_found" }
  /** A cursor came with it, no purge is in progress, and a tenant of that id exists (created again): a cursor never deletes one. */
  | { kind: "recreated" };

export async function deleteTenantStep(
  services: Services,
  tenant: TenantId,
  request: TenantDeletionRequest,
): Promise<TenantDeletionOutcome> {
  const now = Date.now();
  const started: TenantPurge = { startedAt: now, quietUntil: now + quietPeriodMs(services) };
  const deleted = request.cursor === undefined ? await services.tenants.deleteTenant(tenant, started) : undefined;
  if (deleted) await forgetHere(services, tenant, deleted);
  const l2 = services.l2;
  const purge = deleted ? started : l2 ? await readPurge(l2.redis, tenant) : undefined;
  if (!l2 || !purge) {
    if (deleted) return { kind: "page", page: { deleted: true, done: true, cursor: NEW_PASS, keysDeleted: 0 } };
    if (request.cursor !== undefined && (await services.tenants.getTenant(tenant))) return { kind: "recreated" };
    return { kind: "not_found" };
  }
  const cursor = request.cursor ?? NEW_PASS;
  // Counts this isolate holds for the tenant would otherwise be flushed after the sweep and stay.
  if (cursor === NEW_PASS) await services.stats.flush(l2.redis);
  const page = await sweepPage(tenant, purge, cursor, { databases: sweepDatabases(l2), writer: l2.redis, count: request.count, now });
  return { kind: "page", page: { deleted: true, ...page } };
}

/**
 * How long after the delete another isolate may still act for the tenant: a token verification it
 * cached just before lives TOKEN_CACHE_SECONDS, and a request that began with it may then take up
 * to the longest a Redis call can take.
 */
function quietPeriodMs(services: Services): number {
  return services.config.TOKEN_CACHE_SECONDS * 1000 + longestCallMs(services.config.L2_TIMEOUT_MS);
}

/** This isolate stops serving the tenant at once: its tokens, its origins' preflights, its copies. */
async function forgetHere(services: Services, tenant: TenantId, deleted: DeletedTenant): Promise<void> {
  services.tokens.forget(deleted.digests);
  services.corsOrigins.forget(deleted.origins);
  // The memory tier only: Redis's copies were hidden by the delete itself.
  await services.store.l1.clear(tenant);
}
