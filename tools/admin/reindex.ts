import type { AdminClient, ReindexIndex } from "./admin-client.ts";

export interface ReindexTotals {
  index: ReindexIndex;
  pages: number;
  /** Tenants visited (a rebuild may visit one twice: pages follow Redis's SCAN guarantees). */
  tenants: number;
  tokens?: number;
  plans?: number;
}

/**
 * Drives `POST /admin/maintenance/reindex` from the first page to the last, for each index in
 * turn, reporting each page. Every page is idempotent, so an interrupted run can simply be run
 * again from the start.
 */
export async function reindexAll(
  client: AdminClient,
  indexes: readonly ReindexIndex[],
  progress: (line: string) => void = () => {},
): Promise<{ reindexed: ReindexTotals[] }> {
  const reindexed: ReindexTotals[] = [];
  for (const index of indexes) {
    const totals: ReindexTotals = { index, pages: 0, tenants: 0 };
    let cursor = "0";
    for (;;) {
      const page = await client.reindex(index, cursor);
      totals.pages += 1;
      totals.tenants += page.tenants;
      if (page.tokens !== undefined) totals.tokens = (totals.tokens ?? 0) + page.tokens;
      if (page.plans !== undefined) totals.plans = (totals.plans ?? 0) + page.plans;
      progress(`${index}: page ${totals.pages}, ${totals.tenants} tenants${page.done ? ", done" : "…"}`);
      if (page.done) break;
      cursor = page.cursor;
    }
    reindexed.push(totals);
  }
  return { reindexed };
}
