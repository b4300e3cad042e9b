import type { Entry } from "../../cache/entry";
import type { EntryKey, TenantId } from "../../cache/keys";
import type { KeyPage, L2Store, PreparedBatch, RecordCopyL2, Revalidation } from "../../cache/l2-store";
import type { Lookup, Operation, OperationResult, SetOptions, SetResult } from "../../cache/store";
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
    const entry = await this.#promote(key);
    return entry ? { entry, tier: "l2", degraded: false } : undefined;
  }

  async revalidate(key: EntryKey, knownVersion: number): Promise<Revalidation> {
    const answer = await this.#primary.revalidate(key, knownVersion);
    if (answer.status !== "absent" || this.#options.phase !== "read-new") return answer;
    const entry = await this.#promote(key);
    return entry ? { status: "changed", entry } : answer;
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

  async invalidateTags(tenant: TenantId, tags: readonly string[]): Promise<void> {
    await this.#primary.invalidateTags(tenant, tags);
    await this.#mirror(() => this.#secondary.invalidateTags(tenant, tags));
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

  /** read-new: a get of the batch that next missed is asked of current, and copied into next when found. */
  async #fillMisses(operations: readonly Operation[], results: OperationResult[]): Promise<void> {
    const misses = operations.flatMap((op, i) => {
      const result = results[i];
      return op.type === "get" && result?.type === "get" && !result.lookup ? [i] : [];
    });
    for (const i of misses) {
      const entry = await this.#promote((operations[i] as Operation).key);
      if (entry) results[i] = { type: "get", lookup: { entry, tier: "l2", degraded: false } };
    }
  }

  /** The entry current holds under the key, now also in next (with next's version); undefined when there is none to serve. */
  async #promote(key: EntryKey): Promise<Entry | undefined> {
    const { current, next, counters } = this.#options;
    counters.fallbacks++;
    const record = await current
      .readRecords([key])
      .then(([found]) => found)
      .catch(() => undefined);
    if (!record) return undefined;
    const entry = await current.decodeRecord(record);
    if (!entry) return undefined;
    const [outcome] = await next.writeRecords([{ key, record }]);
    if (outcome?.status === "copied") {
      counters.promotions++;
      return { ...entry, version: outcome.version };
    }
    // Another reader (or the backfill) copied it first, or a newer write landed: next answers.
    if (outcome?.status === "newer") return (await next.get(key))?.entry;
    return undefined;
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
