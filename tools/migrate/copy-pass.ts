import type { BatchWriter, FlushResult } from "./batch-writer.ts";
import type { CommittedKeys } from "./committed-keys.ts";
import { emptyTotals, type MigrationTotals } from "./migration-state.ts";
import { readAhead } from "./read-ahead.ts";
import { type PlanContext, planRecord, type RecordPlan } from "./record-plan.ts";
import type { Source, SourceRecord } from "./source-record.ts";

export interface CopyPassOptions {
  source: Source;
  context: PlanContext;
  /** Absent in a dry run: records are planned and reported, nothing is sent. */
  writer?: BatchWriter | undefined;
  /** The resume point ("0": the start). @default "0" */
  from?: string;
  /** Keys committed by an earlier run, skipped (sources that resume by keys). */
  committed?: CommittedKeys | undefined;
  /** A window is sent, then committed, once it holds this many keys or body bytes. */
  window?: { keys: number; bytes: number };
  /** Told every planned record (the dry-run report). */
  onPlan?: (plan: RecordPlan, record: SourceRecord) => void;
  /** Called after each window is settled in edge-cache: record the resume point here. */
  onCommit?: (commit: WindowCommit) => void | Promise<void>;
  /** Records read so far, this pass. */
  onProgress?: (records: number) => void;
  /** Stops the pass at the next window boundary, committed. */
  signal?: AbortSignal | undefined;
  /**
   * Read the next page while the current one is planned. Off for follow's rescans: a page read
   * before a change was caught up would write the older value last. @default true
   */
  readAhead?: boolean;
}

/** One window of keys, settled: where to resume, and what it held. */
export interface WindowCommit {
  cursor: string;
  done: boolean;
  totals: MigrationTotals;
  keys: Buffer[];
  flush: FlushResult | undefined;
}

export interface CopyPassResult {
  totals: MigrationTotals;
  /** Keys skipped because an earlier run committed them. */
  alreadyCommitted: number;
  /** The source was read to its end (not stopped by the signal). */
  completed: boolean;
}

const DEFAULT_WINDOW = { keys: 5000, bytes: 32 * 1024 * 1024 };

/**
 * Reads the source page by page, plans each record and sends sets in windows: a window is
 * committed (its sets settled in Redis, then onCommit) only at a page boundary, so the resume
 * point never passes a key that is not in edge-cache. Memory holds one window and one page read
 * ahead, whatever the size of the source.
 */
export async function runCopyPass(options: CopyPassOptions): Promise<CopyPassResult> {
  const window = options.window ?? DEFAULT_WINDOW;
  const result: CopyPassResult = { totals: emptyTotals(), alreadyCommitted: 0, completed: false };
  let pending = emptyTotals();
  let pendingKeys: Buffer[] = [];
  let read = 0;
  let planned = 0;
  let sets = 0;
  const pages = options.source.pages(options.from ?? "0");
  for await (const page of options.readAhead === false ? pages : readAhead(pages)) {
    for (const record of page.records) {
      if (options.committed?.has(record.key)) {
        result.alreadyCommitted++;
        continue;
      }
      const plan = await planRecord(record, options.context);
      options.onPlan?.(plan, record);
      count(pending, plan);
      planned++;
      if (plan.kind === "set") sets++;
      if (options.committed) pendingKeys.push(record.key);
      if (plan.kind === "set" && options.writer) options.writer.set(plan.target, { set: plan.set, bodyBytes: plan.bodyBytes });
    }
    read += page.records.length;
    options.onProgress?.(read);
    const writer = options.writer;
    // Keys that are not sent (unmapped, expired, skipped) count too, so a resume point is recorded
    // however few keys a window sends, and a window's list of keys stays bounded.
    const full = planned >= window.keys || (writer !== undefined && writer.pendingBytes >= window.bytes);
    const stopping = options.signal?.aborted === true;
    if (full || page.done || stopping) {
      const flush = writer ? await writer.flush() : undefined;
      // A dry run counts what it would copy.
      pending.copied = flush ? flush.stored : sets;
      pending.refused = flush ? flush.refused.length : 0;
      await options.onCommit?.({ cursor: page.cursor, done: page.done, totals: pending, keys: pendingKeys, flush });
      add(result.totals, pending);
      pending = emptyTotals();
      pendingKeys = [];
      planned = 0;
      sets = 0;
    }
    if (page.done) result.completed = true;
    if (page.done || stopping) break;
  }
  return result;
}

function count(totals: MigrationTotals, plan: RecordPlan): void {
  switch (plan.kind) {
    case "set":
      totals.bytes += plan.valueBytes;
      break;
    case "expired":
      totals.expired++;
      break;
    case "unmapped":
      totals.unmapped++;
      break;
    case "oversized":
      totals.oversized++;
      break;
    case "skipped":
      totals.skipped++;
      break;
  }
}

export function add(into: MigrationTotals, more: MigrationTotals): void {
  for (const field of Object.keys(into) as (keyof MigrationTotals)[]) into[field] += more[field];
}
