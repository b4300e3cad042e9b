import type { Entry } from "../../cache/entry";
import type { EntryKey, TenantId } from "../../cache/keys";
import type { KeyPage, L2Store, PreparedBatch, RecordCopyL2, Revalidation, StoredRecord } from "../../cache/l2-store";
import type { InvalidationTargets, Lookup, Operation, OperationResult, SetOptions, SetResult } from "../../cache/store";
import type { CircuitBreaker } from "../../redis/circuit-breaker";
import type { RedisRunner } from "../../redis/redis-client";
import { outsideRequestBudget } from "../../redis/request-budget";
import type { MigrationCounters } from "./migration-counters";

/** The two phases in which both databases are called (off and new-only use one database). */
export type BothDatabasesPhase = "dual-write" | "read-new";

export interface MigratingStoreOptions {
  phase: BothDatabasesPhase;
  /** The database the deployment is moving from (UPSTASH_REDIS_REST_URL). */
  current: RecordCopyL2;
  /** The database it is moving to (UPSTASH_REDIS_REST_URL_NEXT). */
  next: RecordCopyL2;
  /**
   * The breaker of the database that does not answer writes (next in dual-write, current in
   * read-new): while it fails, its writes are skipped rather than waited for on every request.
   */
  secondaryBreaker: CircuitBreaker;
  counters: MigrationCounters;
  /** Told when the second database missed a write, so the backfill makes another pass. */
  onSecondaryMiss: () => Promise<void>;
}

interface MigratingPrepared extends PreparedBatch {
  readonly primary: PreparedBatch;
  readonly secondary: PreparedBatch;
}

/**
 * The L2 during a move between two databases. The primary answers every write (201 only once it
 * confirmed); the same write then goes to the secondary, so either database can be rolled back
 * to. Writes go one after the other, not side by side: the secondary gets only what the primary
 * stored, never a write the primary refused (only-if-absent, the storage budget).
 *
 * dual-write: current is primary and answers every read.
 * read-new: next is primary; a read it misses asks current, and an entry found there is copied
 * into next with its remaining lifetime (write-record: idempotent, so concurrent readers copy it
 * once) unless next holds a newer entry or a clear or invalidation raised after it was created.
 * If current cannot answer that read, it is a miss: current is never read while next is down.
 */
export class MigratingStore implements L2Store {
  readonly #options: MigratingStoreOptions;
  readonly #primary: RecordCopyL2;
  readonly #secondary: RecordCopyL2;

  constructor(options: MigratingStoreOptions) {
    this.#options = options;
    const readNew = options.phase === "read-new";
    this.#primary = readNew ? options.next : options.current;
    this.#secondary = readNew ? options.current : options.next;
  }

  through(decorate: (runner: RedisRunner) => RedisRunner): L2Store {
    return new MigratingStore({
      ...this.#options,
      current: this.#options.current.through(decorate),
      next: this.#options.next.through(decorate),
    });
  }

  async get(key: EntryKey): Promise<Lookup | undefined> {
    const lookup = await this.#primary.get(key);
    if (lookup || this.#options.phase !== "read-new") return lookup;
    const [entry] = await this.#promote([key]);
    return entry ? { entry, tier: "l2", degraded: false } : undefined;
  }

  async revalidate(key: EntryKey, knownVersion: number): Promise<Revalidation> {
    const answer = await this.#primary.revalidate(key, knownVersion);
    if (answer.status !== "absent" || this.#options.phase !== "read-new") return answer;
    const [entry] = await this.#promote([key]);
    return entry ? { status: "changed", entry } : answer;
  }

  async revalidateMany(checks: readonly { key: EntryKey; knownVersion: number }[]): Promise<(Revalidation | undefined)[]> {
    const answers = await this.#primary.revalidateMany(checks);
    if (this.#options.phase !== "read-new") return answers;
    const absent = answers.flatMap((answer, i) => (answer?.status === "absent" ? [i] : []));
    if (absent.length === 0) return answers;
    const promoted = await this.#promote(absent.map((i) => (checks[i] as (typeof checks)[number]).key));
    absent.forEach((index, i) => {
      const entry = promoted[i];
      if (entry) answers[index] = { status: "changed", entry };
    });
    return answers;
  }

  async set(key: EntryKey, entry: Entry, options?: SetOptions): Promise<SetResult> {
    const [result] = await this.batch([{ type: "set", key, entry, ...(options ? { options } : {}) }]);
    if (result?.type === "set") return result.result;
    throw result?.type === "error" ? result.error : new Error("unexpected reply to set");
  }

  async delete(key: EntryKey) {
    const result = await this.#primary.delete(key);
    await this.#mirror(() => this.#secondary.delete(key));
    return result;
  }

  async batch(operations: readonly Operation[]): Promise<OperationResult[]> {
    return this.runPrepared(await this.prepare(operations));
  }

  async prepare(operations: readonly Operation[]): Promise<MigratingPrepared> {
    const [primary, secondary] = await Promise.all([
      this.#primary.prepare(operations),
      this.#secondary.prepare(operations.map(asMirrored)),
    ]);
    return { operations, primary, secondary };
  }

  async runPrepared(prepared: PreparedBatch): Promise<OperationResult[]> {
    const { operations, primary, secondary } = prepared as MigratingPrepared;
    const results = await this.#primary.runPrepared(primary);
    if (this.#options.phase === "read-new") await this.#fillMisses(operations, results);
    // Only what the primary took: a refused or failed operation is not applied anywhere.
    const taken = operations.flatMap((op, i) => (op.type !== "get" && applied(results[i]) ? [i] : []));
    if (taken.length > 0) {
      const mirrored =
        taken.length === operations.length
          ? secondary
          : await this.#secondary.prepare(taken.map((i) => asMirrored(operations[i] as Operation)));
      await this.#mirror(async () => {
        const answers = await this.#secondary.runPrepared(mirrored);
        if (answers.some((answer) => answer.type === "error")) throw new Error("a mirrored write failed");
      });
    }
    return results;
  }

  async clear(tenant: TenantId): Promise<void> {
    await this.#primary.clear(tenant);
    await this.#mirror(() => this.#secondary.clear(tenant));
  }

  async invalidate(tenant: TenantId, targets: InvalidationTargets): Promise<void> {
    await this.#primary.invalidate(tenant, targets);
    await this.#mirror(() => this.#secondary.invalidate(tenant, targets));
  }

  /** Walks current, which holds every key until the move is over; reads then find each where it is. */
  scanKeys(tenant: TenantId, cursor: string, count: number): Promise<KeyPage> {
    return this.#options.current.scanKeys(tenant, cursor, count);
  }

  /**
   * Applies a write to the secondary; its failure is counted and handed to the backfill, never to
   * the caller. Outside the request's Redis budget, which a failed call marks spent: the secondary
   * failing must not fail what the request does next. Its own deadline and breaker bound the wait.
   */
  async #mirror(write: () => Promise<unknown>): Promise<void> {
    const answer = await outsideRequestBudget(() => this.#options.secondaryBreaker.run(write));
    if (answer.ok) return;
    this.#options.counters.secondaryMisses++;
    await this.#options.onSecondaryMiss();
  }

  /** read-new: the gets of a batch that next missed, asked of current together (two requests however many). */
  async #fillMisses(operations: readonly Operation[], results: OperationResult[]): Promise<void> {
    const misses = operations.flatMap((op, i) => {
      const result = results[i];
      return op.type === "get" && result?.type === "get" && !result.lookup ? [i] : [];
    });
    if (misses.length === 0) return;
    const entries = await this.#promote(misses.map((i) => (operations[i] as Operation).key));
    misses.forEach((index, i) => {
      const entry = entries[i];
      if (entry) results[index] = { type: "get", lookup: { entry, tier: "l2", degraded: false } };
    });
  }

  /**
   * What current holds under the keys, now also in next (with next's versions): one read of
   * current, one write of next, and a read of next for any key a newer write or another reader
   * got to first. Undefined where there is nothing to serve; a current that cannot answer is a miss.
   */
  async #promote(keys: readonly EntryKey[]): Promise<(Entry | undefined)[]> {
    const { current, next, counters } = this.#options;
    counters.fallbacks += keys.length;
    const records = await current.readRecords(keys).catch(() => keys.map(() => undefined));
    const found: { index: number; key: EntryKey; record: StoredRecord; entry: Entry }[] = [];
    for (const [index, record] of records.entries()) {
      const entry = record ? await current.decodeRecord(record) : undefined;
      if (record && entry) found.push({ index, key: keys[index] as EntryKey, record, entry });
    }
    const promoted: (Entry | undefined)[] = keys.map(() => undefined);
    if (found.length === 0) return promoted;
    const outcomes = await next.writeRecords(found.map(({ key, record }) => ({ key, record })));
    const newer: number[] = [];
    outcomes.forEach((outcome, i) => {
      const { index, entry } = found[i] as (typeof found)[number];
      if (outcome.status === "copied") {
        counters.promotions++;
        promoted[index] = { ...entry, version: outcome.version };
      } else if (outcome.status === "newer") newer.push(index);
    });
    // Another reader (or the backfill) copied it first, or a newer write landed: next answers.
    if (newer.length > 0) {
      const reads = await next.batch(newer.map((index) => ({ type: "get", key: keys[index] as EntryKey })));
      reads.forEach((read, i) => {
        if (read.type === "get" && read.lookup) promoted[newer[i] as number] = read.lookup.entry;
      });
    }
    return promoted;
  }
}

/** The secondary never refuses on its own account: the primary already judged only-if-absent and the budget. */
function asMirrored(op: Operation): Operation {
  return op.type === "set" ? { type: "set", key: op.key, entry: op.entry } : op;
}

function applied(result: OperationResult | undefined): boolean {
  if (!result) return false;
  if (result.type === "set") return result.result.status === "stored";
  return result.type === "delete";
}
