import { setTimeout as sleepFor } from "node:timers/promises";
import { AdminApiError, type AdminClient } from "./admin-client.ts";

export interface TenantDeletionSummary {
  tenant: string;
  pages: number;
  keysDeleted: number;
}

export interface DeleteTenantOptions {
  progress?: (line: string) => void;
  /** How a wait the server asks for is waited out. */
  sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Drives `DELETE /admin/tenants/{id}` from the delete to the last page of its purge, waiting
 * whenever the server says a pass ended before the tenant's quiet period did. Interrupted, it can
 * be run again: a tenant already deleted goes on with its purge.
 */
export async function deleteTenantCompletely(
  client: AdminClient,
  tenant: string,
  { progress = () => {}, sleep = sleepFor }: DeleteTenantOptions = {},
): Promise<{ deleted: TenantDeletionSummary }> {
  const summary: TenantDeletionSummary = { tenant, pages: 0, keysDeleted: 0 };
  let cursor: string | undefined;
  for (;;) {
    let page: Awaited<ReturnType<AdminClient["deleteTenant"]>>;
    try {
      page = await client.deleteTenant(tenant, cursor);
    } catch (error) {
      // Another caller finished the purge between two of these pages.
      if (summary.pages > 0 && error instanceof AdminApiError && error.status === 404) break;
      throw error;
    }
    summary.pages += 1;
    summary.keysDeleted += page.keysDeleted;
    progress(`${tenant}: page ${summary.pages}, ${summary.keysDeleted} keys deleted${page.done ? ", done" : "…"}`);
    if (page.done) break;
    if (page.retryAfterMs) {
      progress(`${tenant}: waiting ${Math.ceil(page.retryAfterMs / 1000)} s until no isolate can still write for it…`);
      await sleep(page.retryAfterMs);
    }
    cursor = page.cursor;
  }
  return { deleted: summary };
}
