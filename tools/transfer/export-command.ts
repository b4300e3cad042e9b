import { once } from "node:events";
import { createWriteStream, renameSync, rmSync } from "node:fs";
import type { Writable } from "node:stream";
import { type RetryOptions, withRetry } from "./retry.ts";
import type { TransferClient } from "./transfer-client.ts";

export interface ExportOptions {
  client: TransferClient;
  /** Entries asked for per page (a hint). @default 100 */
  count?: number;
  retry?: RetryOptions;
  /** Told the running total of entries written. */
  onProgress?: (entries: number) => void;
}

export interface ExportSummary {
  entries: number;
  pages: number;
}

/**
 * Follows the export cursor to the end, writing one NDJSON line per entry. A page that fails with
 * 429 or 503 is asked again with the same cursor. A key may appear twice if Redis rehashed during
 * the walk (SCAN's guarantee is "at least once"); importing such a file is still correct.
 */
export async function runExport(out: Writable, options: ExportOptions): Promise<ExportSummary> {
  const summary: ExportSummary = { entries: 0, pages: 0 };
  let cursor: string | undefined = "0";
  do {
    const pageCursor: string = cursor;
    const page = await withRetry(() => options.client.exportPage({ cursor: pageCursor, count: options.count ?? 100 }), options.retry);
    for (const entry of page.entries) {
      if (!out.write(`${JSON.stringify(entry)}\n`)) await once(out, "drain");
    }
    summary.entries += page.entries.length;
    summary.pages++;
    options.onProgress?.(summary.entries);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return summary;
}

/**
 * Exports into `path` through `path.partial`, renamed into place only once the walk is complete,
 * so a file under the asked name is always a whole export.
 */
export async function exportToFile(path: string, options: ExportOptions): Promise<ExportSummary> {
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  try {
    const summary = await runExport(out, options);
    out.end();
    await once(out, "finish");
    renameSync(partial, path);
    return summary;
  } catch (error) {
    out.destroy();
    rmSync(partial, { force: true });
    throw error;
  }
}
