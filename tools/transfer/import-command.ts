import type { BatchSet } from "../../client/index.ts";
import { parseLine } from "./line.ts";
import { numberedLines } from "./lines.ts";
import { type RetryOptions, UnsettledBatchError, withRetry } from "./retry.ts";
import { writeState } from "./state.ts";
import type { TransferClient } from "./transfer-client.ts";

export interface ImportOptions {
  input: string;
  client: TransferClient;
  /** Sets per request, 1 to 100 (the server's MAX_BATCH_OPERATIONS, 100 by default). @default 100 */
  batchSize?: number;
  /** Bytes of lines per request, under the server's batch body limit; a longer line goes alone. @default 4 MiB */
  maxBatchBytes?: number;
  /** The first line to read; the lines before it count as done. @default 1 */
  fromLine?: number;
  /** Validates and counts every line, and sends nothing. */
  dryRun?: boolean;
  /** Rewritten after every committed batch. */
  stateFile?: string | undefined;
  retry?: RetryOptions;
  /** Told the number of the last line read. */
  onProgress?: (line: number) => void;
}

export interface ImportSummary {
  /** Sets sent (or, in a dry run, that would be). */
  imported: number;
  /** Lines with ttl 0: stale or expired at export. */
  expired: number;
  blank: number;
  invalid: number;
  /** The first invalid lines, with what is wrong. */
  problems: { line: number; reason: string }[];
  batches: number;
  /** The last line read. */
  lastLine: number;
}

/** The import stopped; everything before `resumeFrom` is in, nothing from it on was committed. */
export class ImportStopped extends Error {
  override readonly name = "ImportStopped";

  constructor(
    readonly resumeFrom: number,
    readonly summary: ImportSummary,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const MAX_PROBLEMS = 20;

/** Sends an export file's entries as batch sets, committing line ranges in order. */
export async function runImport(options: ImportOptions): Promise<ImportSummary> {
  const batchSize = options.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100) throw new RangeError("batch size must be 1 to 100");
  const maxBatchBytes = options.maxBatchBytes ?? 4 * 1024 * 1024;
  const fromLine = options.fromLine ?? 1;
  const summary: ImportSummary = { imported: 0, expired: 0, blank: 0, invalid: 0, problems: [], batches: 0, lastLine: fromLine - 1 };
  let pending: BatchSet[] = [];
  let pendingBytes = 0;
  let committedLine = fromLine - 1;

  // Commits every line up to `throughLine`: the pending sets, then the state file.
  const commit = async (throughLine: number, completed = false) => {
    if (pending.length > 0) {
      const sets = pending;
      try {
        await withRetry(() => sendSets(options.client, sets), options.retry);
      } catch (error) {
        const message = `lines ${committedLine + 1}-${throughLine}: ${describe(error)}`;
        throw new ImportStopped(committedLine + 1, summary, message, { cause: error });
      }
      summary.imported += sets.length;
      summary.batches++;
      pending = [];
      pendingBytes = 0;
    }
    committedLine = throughLine;
    if (options.stateFile) writeState(options.stateFile, { input: options.input, committedLine, completed });
  };

  for await (const [number, text] of numberedLines(options.input)) {
    if (number < fromLine) continue;
    const line = parseLine(text);
    if (line.kind === "entry" && !options.dryRun && pending.length > 0) {
      if (pending.length >= batchSize || pendingBytes + line.bytes > maxBatchBytes) await commit(number - 1);
    }
    summary.lastLine = number;
    options.onProgress?.(number);
    switch (line.kind) {
      case "blank":
        summary.blank++;
        break;
      case "expired":
        summary.expired++;
        break;
      case "invalid":
        summary.invalid++;
        if (summary.problems.length < MAX_PROBLEMS) summary.problems.push({ line: number, reason: line.reason });
        if (!options.dryRun) {
          await commit(number - 1);
          throw new ImportStopped(number, summary, `line ${number}: ${line.reason}`);
        }
        break;
      case "entry":
        if (options.dryRun) summary.imported++;
        else {
          pending.push(line.set);
          pendingBytes += line.bytes;
        }
    }
  }
  if (!options.dryRun) await commit(summary.lastLine, true);
  return summary;
}

async function sendSets(client: TransferClient, sets: BatchSet[]): Promise<void> {
  const result = await client.batch({ set: sets });
  // Resending cannot help a full storage budget: stop, naming it, rather than retry.
  const full = result.set.find((set) => set.status === "error" && set.error.code === "storage_full");
  if (full?.status === "error") throw new StorageFullError(full.error.message);
  const unsettled = result.set.filter((set) => set.status !== "stored" || set.stored !== "redis").length;
  // A set kept in one isolate's memory (202-style) is not an import; sets are idempotent, so resend them all.
  if (unsettled > 0) throw new UnsettledBatchError(`${unsettled} of ${sets.length} sets did not reach Redis`);
}

/** The tenant's storage budget is full: not retryable; the import stops at the batch it reached. */
export class StorageFullError extends Error {
  override readonly name = "StorageFullError";
  readonly code = "storage_full";
}

function describe(error: unknown): string {
  if (error instanceof Error) return "code" in error ? `${error.message} (${String(error.code)})` : error.message;
  return String(error);
}
