import { setTimeout as sleep } from "node:timers/promises";
import type { BatchWriter } from "./batch-writer.ts";
import { type CopyPassResult, runCopyPass } from "./copy-pass.ts";
import type { DirtyKeys } from "./dirty-keys.ts";
import { type PlanContext, planRecord } from "./record-plan.ts";
import type { Source } from "./source-record.ts";

export interface FollowOptions {
  source: Source;
  context: PlanContext;
  writer: BatchWriter;
  /** Filled by the source's change notifications, from before the bulk copy began. */
  dirty: DirtyKeys;
  /** @default 300_000 */
  rescanEveryMs?: number;
  /** Ends following (Ctrl-C), after the work in hand is committed. */
  signal: AbortSignal;
  onRescan?: (result: CopyPassResult) => void;
}

export interface FollowSummary {
  updated: number;
  deleted: number;
  rescans: number;
}

const KEYS_PER_READ = 500;
const IDLE_MS = 100;

/**
 * Keeps edge-cache in step with the source until stopped: changed keys are read again and written
 * (or deleted when gone), and a full rescan runs every `rescanEveryMs` and whenever notifications
 * may have been lost. One loop does it all, in order: a key changed while a rescan window was being
 * read is caught up only after that window is written, so an older value never lands last.
 */
export async function follow(options: FollowOptions): Promise<FollowSummary> {
  const summary: FollowSummary = { updated: 0, deleted: 0, rescans: 0 };
  const rescanEveryMs = options.rescanEveryMs ?? 300_000;
  let nextRescanAt = Date.now() + rescanEveryMs;
  while (!options.signal.aborted) {
    if (options.dirty.takeRescan() || Date.now() >= nextRescanAt) {
      const result = await runCopyPass({
        source: options.source,
        context: options.context,
        writer: options.writer,
        signal: options.signal,
        readAhead: false,
        onCommit: async () => {
          await catchUp(options, summary);
        },
      });
      summary.rescans++;
      options.onRescan?.(result);
      nextRescanAt = Date.now() + rescanEveryMs;
      continue;
    }
    if ((await catchUp(options, summary)) === 0) await sleep(IDLE_MS, undefined, { signal: options.signal }).catch(() => undefined);
  }
  return summary;
}

/** Writes every key in the dirty set as the source holds it now; how many it wrote. */
export async function catchUp(
  options: Pick<FollowOptions, "source" | "context" | "writer" | "dirty">,
  summary: FollowSummary,
): Promise<number> {
  let written = 0;
  for (let keys = options.dirty.take(KEYS_PER_READ); keys.length > 0; keys = options.dirty.take(KEYS_PER_READ)) {
    const records = await options.source.read(keys);
    for (const [i, key] of keys.entries()) {
      const record = records[i];
      if (record) {
        const plan = await planRecord(record, options.context);
        if (plan.kind === "set") {
          options.writer.set(plan.target, { set: plan.set, bodyBytes: plan.bodyBytes });
          summary.updated++;
          continue;
        }
        // Expired meanwhile: falls through to the delete. Anything else (unmapped, a skipped type) is not ours.
        if (plan.kind !== "expired") continue;
      }
      const mapped = options.context.mapper.map(key);
      if (mapped.kind !== "mapped") continue;
      const tenant = options.context.tenantIds.resolve(mapped.tenant);
      const target = tenant.ok ? await options.context.access.existing(tenant.id) : undefined;
      if (!target) continue;
      options.writer.delete(target, mapped.key);
      summary.deleted++;
    }
    await options.writer.flush();
    written += keys.length;
  }
  return written;
}
