import { rmSync } from "node:fs";
import { EdgeCacheError } from "../../client/index.ts";
import type { AdminClient } from "../admin/admin-client.ts";
import { Progress, type ProgressStream } from "../transfer/progress.ts";
import { type RetryOptions, UnsettledBatchError } from "../transfer/retry.ts";
import type { MigrateCommand } from "./args.ts";
import { BatchWriter, StorageFullError } from "./batch-writer.ts";
import { CommittedKeys } from "./committed-keys.ts";
import { add, runCopyPass } from "./copy-pass.ts";
import { DirtyKeys } from "./dirty-keys.ts";
import { follow } from "./follow.ts";
import { MigrationReporter } from "./migration-reporter.ts";
import {
  assertSameMigration,
  emptyTotals,
  type MigrationState,
  mappingFingerprint,
  readMigrationState,
  writeMigrationState,
} from "./migration-state.ts";
import { Pacer } from "./pacer.ts";
import type { PlanContext } from "./record-plan.ts";
import { SourceError } from "./source-error.ts";
import type { Source } from "./source-record.ts";
import { UnknownTenantError } from "./tenant-access.ts";

type RunCommand = Extract<MigrateCommand, { name: "run" }>;

/** A subscription to the source's change notifications (--follow). */
export interface KeyEvents {
  close(): Promise<void>;
}

export interface RunMigrationDeps {
  source: Source;
  context: PlanContext;
  admin: AdminClient;
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
  /** Ctrl-C: stop at the next window boundary, committed. */
  signal: AbortSignal;
  /** Starts feeding `dirty` from the source's notifications (--follow). */
  subscribe?: (dirty: DirtyKeys) => Promise<KeyEvents>;
  retry?: RetryOptions;
  /** Keys per committed window. @default 5000 */
  windowKeys?: number;
}

/** Runs a copy (or a dry run), then follows when asked; the exit code: 0 done, 1 stopped. */
export async function runMigration(command: RunCommand, deps: RunMigrationDeps): Promise<number> {
  const say = (text: string) => deps.stderr.write(`${text}\n`);
  const reporter = new MigrationReporter();
  const identity = { source: deps.source.identity, target: command.url, mapping: mappingFingerprint(command) };
  const state = command.dryRun ? undefined : readMigrationState(command.stateFile);
  if (state) assertSameMigration(command.stateFile, state, identity);
  if (state?.completed && !command.follow) {
    say(`${command.stateFile}: this migration is complete (${state.totals.copied} keys copied); nothing to do`);
    return 0;
  }
  const totals = state?.totals ?? emptyTotals();
  const startedAt = state?.startedAt ?? new Date().toISOString();
  const keysFile = `${command.stateFile}.keys`;
  // Keys recorded beside a state file that is gone belong to no migration: skipping them would lose keys.
  if (!state && !command.dryRun) rmSync(keysFile, { force: true });
  const committed = !command.dryRun && deps.source.resume === "keys" ? CommittedKeys.load(keysFile) : undefined;
  if (state && !state.completed) say(`resuming from ${command.stateFile}: ${totals.copied} keys copied so far`);

  const dirty = command.follow ? new DirtyKeys() : undefined;
  // Changes made while no run followed (after an earlier copy) are caught by a rescan first.
  if (dirty && state) dirty.markGap();
  // Subscribed before the copy begins, so a change made while it runs is never missed.
  const events = dirty && deps.subscribe ? await deps.subscribe(dirty) : undefined;
  const writer = command.dryRun
    ? undefined
    : new BatchWriter({
        batchSize: command.batchSize,
        concurrency: command.concurrency,
        pacer: command.ratePerSecond ? new Pacer(command.ratePerSecond) : undefined,
        retry: { ...deps.retry, onRetry: (error, delayMs) => say(`retrying in ${(delayMs / 1000).toFixed(1)} s: ${describe(error)}`) },
      });
  // Only progress and the ETA need it: a source that will not tell (an ACL without DBSIZE) still copies.
  const total = await deps.source.estimateTotal().catch(() => undefined);
  const progress = new Progress(deps.stderr, { label: command.dryRun ? "dry run" : "copy", unit: "keys", total, rate: true });
  try {
    if (!state?.completed) {
      const result = await runCopyPass({
        source: deps.source,
        context: deps.context,
        writer,
        from: state?.cursor ?? "0",
        committed,
        window: { keys: deps.windowKeys ?? 5000, bytes: 32 * 1024 * 1024 },
        signal: deps.signal,
        onPlan: (plan, record) => reporter.add(plan, record),
        onProgress: (records) => progress.update(records + (committed?.size ?? 0)),
        onCommit: (commit) => {
          if (command.dryRun) return;
          add(totals, commit.totals);
          committed?.append(commit.keys);
          for (const refusal of commit.flush?.refused ?? []) reporter.refused(refusal);
          const next: Omit<MigrationState, "updatedAt"> = {
            version: 1,
            ...identity,
            cursor: commit.cursor,
            completed: commit.done,
            totals,
            startedAt,
          };
          writeMigrationState(command.stateFile, next);
        },
      });
      progress.finish();
      if (!result.completed) {
        say(reporter.render(command.dryRun));
        say(`stopped: ${totals.copied} keys copied so far. Run the same command again to carry on.`);
        return 1;
      }
    }
    progress.finish();
    // A real run created those tenants already: it names them instead of listing them as to create.
    const toCreate = command.dryRun ? deps.context.access.tenantsToCreate() : [];
    if (command.json) deps.stdout.write(`${JSON.stringify(reporter.toJSON(toCreate), null, 2)}\n`);
    else say(reporter.render(command.dryRun, toCreate));
    const created = command.dryRun ? [] : deps.context.access.tenantsToCreate();
    if (created.length > 0) say(`created ${created.length} tenants: ${created.slice(0, 20).join(", ")}${created.length > 20 ? ", …" : ""}`);
    if (!command.dryRun) say(`${command.stateFile}: ${totals.copied} keys copied in all`);
    if (writer && dirty) {
      say("following changes (Ctrl-C to stop)…");
      const followed = await follow({
        source: deps.source,
        context: deps.context,
        writer,
        dirty,
        rescanEveryMs: command.rescanEverySeconds * 1000,
        signal: deps.signal,
        onRescan: (result) => say(`rescan: ${result.totals.copied} keys written`),
      });
      say(`stopped following: ${followed.updated} keys updated, ${followed.deleted} deleted, ${followed.rescans} rescans`);
    }
    return 0;
  } catch (error) {
    progress.finish();
    const stopping =
      error instanceof StorageFullError ||
      error instanceof UnknownTenantError ||
      error instanceof EdgeCacheError ||
      error instanceof UnsettledBatchError ||
      error instanceof SourceError ||
      (error instanceof TypeError && error.message === "fetch failed");
    if (!stopping) throw error;
    say(`stopped: ${describe(error)}`);
    if (!command.dryRun)
      say(
        `${totals.copied} keys are copied and recorded in ${command.stateFile}; fix the cause and run the same command again to carry on.`,
      );
    return 1;
  } finally {
    await events?.close();
  }
}

export function describe(error: unknown): string {
  if (error instanceof EdgeCacheError) return `${error.status} ${error.code}: ${error.message}`;
  if (!(error instanceof Error)) return String(error);
  const code = (error.cause as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? `${error.message} (${code})` : error.message;
}
