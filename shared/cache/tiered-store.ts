import type { CircuitBreaker } from "../redis/circuit-breaker";
import { outsideRequestBudget } from "../redis/request-budget";
import { PrefixLengthsExhaustedError, RequestTooLargeError } from "../redis/request-errors";
import { type Entry, isServable } from "./entry";
import { type EntryKey, memoryKey, type TenantId } from "./keys";
import type { L2Store, Revalidation } from "./l2-store";
import type { MemoryRecord, MemoryStore } from "./memory-store";
import { type PendingCheck, RevalidationBatch } from "./revalidation-batch";
import { RevalidationMarks } from "./revalidation-marks";
import {
  type DeleteResult,
  type InvalidationTargets,
  type Lookup,
  type Operation,
  type OperationResult,
  runSequentially,
  type SetOptions,
  type SetResult,
  type Store,
  StoreUnavailableError,
} from "./store";

export interface TieredStoreOptions {
  l1: MemoryStore;
  /** Absent in memory-only mode: L1 is then the store, with full TTLs. */
  l2?: L2Store | undefined;
  breaker: CircuitBreaker;
  /** How long an L1 copy is served before Redis is asked again; bounds cross-isolate staleness. */
  l1MaxTtlMs: number;
  /** How long past its stale window an L1 copy is kept to serve while Redis fails. */
  l1GraceMs: number;
  /**
   * How long a revalidation in progress lets other readers be served the copy it checks. One
   * still out after this was cancelled with its request: the copy is no longer served on its
   * word, so it can never keep serving an entry deleted meanwhile. Set it to the longest a call
   * can take (script-runner.ts `longestCallMs`).
   * @default 2500 (two requests at the default 1000 ms L2 deadline, plus CPU time)
   */
  revalidationTimeoutMs?: number;
  /** Revalidations in progress tracked at most; more go untracked (each reader asks Redis). @default 10000 */
  maxRevalidations?: number;
  /**
   * Refresh ahead: a copy read in the last `refreshAheadMs` before its check runs out is queued;
   * the check is sent `sendMarginMs` before the first queued copy runs out (at least `coalesceMs`
   * after it was queued), and takes every copy queued by then: one request, behind the response
   * (the reader's background work). Hot keys are then checked in batches and never on a reader's
   * path, and come due together afterwards; the staleness bound stays `l1MaxTtlMs`. 0 turns it off.
   * @default l1MaxTtlMs (every copy read while it is served is checked before it runs out)
   */
  refreshAheadMs?: number;
  /** @default a fifth of l1MaxTtlMs */
  sendMarginMs?: number;
  /** @default 20 */
  coalesceMs?: number;
  /** Copies checked in one request at most. @default 500 */
  maxPerCheck?: number;
  now?: () => number;
}

/**
 * L1 in front of L2. Reads are served from L1 while the copy is within `l1MaxTtlMs` of its last
 * check, otherwise revalidated against Redis (sending the version held, so an unchanged entry
 * costs no payload). Redis failures never reach the caller when L1 can answer: reads fall back
 * to the retained copy (degraded), writes to memory only (reported as such).
 */
export interface ReadOptions {
  /** Runs work behind the response (the request's waitUntil). */
  background?: (work: Promise<unknown>) => void;
}

export class TieredStore implements Store {
  readonly l1: MemoryStore;
  readonly l2: L2Store | undefined;
  readonly breaker: CircuitBreaker;
  readonly #l1MaxTtlMs: number;
  readonly #l1GraceMs: number;
  readonly #now: () => number;
  readonly #revalidating: RevalidationMarks;
  readonly #refreshAheadMs: number;
  readonly #coalesceMs: number;
  readonly #due: RevalidationBatch;

  constructor(options: TieredStoreOptions) {
    this.l1 = options.l1;
    this.l2 = options.l2;
    this.breaker = options.breaker;
    this.#l1MaxTtlMs = options.l1MaxTtlMs;
    this.#l1GraceMs = options.l1GraceMs;
    this.#now = options.now ?? Date.now;
    this.#revalidating = new RevalidationMarks({
      timeoutMs: options.revalidationTimeoutMs ?? 2500,
      maxMarks: options.maxRevalidations ?? 10_000,
    });
    this.#refreshAheadMs = options.refreshAheadMs ?? options.l1MaxTtlMs;
    this.#coalesceMs = options.coalesceMs ?? 20;
    this.#due = new RevalidationBatch({
      coalesceMs: this.#coalesceMs,
      sendMarginMs: options.sendMarginMs ?? Math.floor(options.l1MaxTtlMs / 5),
      lostAfterMs: this.#coalesceMs + (options.revalidationTimeoutMs ?? 2500),
      maxPending: options.maxRevalidations ?? 10_000,
      maxPerCheck: options.maxPerCheck ?? 500,
    });
  }

  /**
   * What `get` answers without any I/O: the L1 copy while it is within its bound, queued for a
   * batched check as `get` would. Undefined when the read needs Redis, or misses.
   */
  getFromMemory(key: EntryKey, options: ReadOptions = {}): Lookup | undefined {
    const record = this.l1.record(key);
    const now = this.#now();
    if (!record || now >= record.checkedUntil || !isServable(record.entry, now)) return undefined;
    if (options.background && record.queuedFor !== record.checkedUntil && this.#refreshAheadMs > 0)
      this.#queueCheck(key, record, now, options.background);
    return { entry: record.entry, tier: "l1", degraded: false };
  }

  /**
   * `background` runs work behind the response (the request's waitUntil): with it, a copy read
   * within `refreshAheadMs` of running out is queued for a batched check (refresh ahead); without
   * it, copies are checked when they run out, one by one, as the reader's own request.
   */
  async get(key: EntryKey, options: ReadOptions = {}): Promise<Lookup | undefined> {
    const served = this.getFromMemory(key, options);
    if (served) return served;
    const record = this.l1.record(key);
    const now = this.#now();
    const l2 = this.l2;
    if (!l2) return undefined;

    const id = memoryKey(key);
    // One revalidation per key at a time: while it is out, the copy it is checking keeps being
    // served (it is at most one round trip past its L1 bound). Nothing awaits another request's
    // I/O, which in Workers could cancel the waiter along with that request.
    if (record && this.#revalidating.isActive(id, now) && isServable(record.entry, now))
      return { entry: record.entry, tier: "l1", degraded: false };
    const known = record?.durability === "shared" ? record.entry.version : 0;
    const mark = record ? this.#revalidating.mark(id, now) : undefined;
    const answer = await this.breaker.run(() => l2.revalidate(key, known)).finally(() => this.#revalidating.release(id, mark));
    if (!answer.ok) return this.#fallbackRead(record, now);
    const revalidation = answer.value;
    switch (revalidation.status) {
      case "absent":
        this.l1.drop(key);
        return undefined;
      case "unchanged": {
        const entry = (record as MemoryRecord).entry;
        this.l1.markChecked(key, this.#checkedUntil(entry, now));
        return isServable(entry, now) ? { entry, tier: "l2", degraded: false } : undefined;
      }
      case "changed":
        this.remember(key, revalidation.entry, now);
        return isServable(revalidation.entry, now) ? { entry: revalidation.entry, tier: "l2", degraded: false } : undefined;
    }
  }

  async set(key: EntryKey, entry: Entry, options: SetOptions = {}): Promise<SetResult> {
    const l2 = this.l2;
    if (!l2) return this.l1.set(key, entry, options);
    // Checked before the breaker: a write Redis could never take is refused even while the circuit
    // is open, rather than kept in memory as if Redis had only been unreachable.
    const prepared = await l2.prepare([{ type: "set", key, entry, options }]);
    const answer = await this.breaker.run(async () => setResultOf((await l2.runPrepared(prepared))[0]));
    // A result other than "stored" (exists, or refused by Redis) leaves L1 as it was.
    if (answer.ok) {
      if (answer.value.status === "stored") this.remember(key, answer.value.entry, this.#now());
      return answer.value;
    }
    if (answer.error instanceof RequestTooLargeError) throw answer.error;
    return this.#fallbackWrite(key, entry, options);
  }

  async delete(key: EntryKey): Promise<DeleteResult> {
    this.l1.drop(key);
    const l2 = this.l2;
    if (!l2) return { status: "deleted", durability: "memory" };
    const answer = await this.breaker.run(() => l2.delete(key));
    if (!answer.ok) throw asFailure(answer.error);
    return answer.value;
  }

  async clear(tenant: TenantId): Promise<void> {
    await this.l1.clear(tenant);
    const l2 = this.l2;
    if (!l2) return;
    const answer = await this.breaker.run(() => l2.clear(tenant));
    if (!answer.ok) throw asFailure(answer.error);
  }

  async invalidate(tenant: TenantId, targets: InvalidationTargets): Promise<void> {
    await this.l1.invalidate(tenant, targets);
    const l2 = this.l2;
    if (!l2) return;
    const answer = await this.breaker.run(() => l2.invalidate(tenant, targets));
    if (!answer.ok) throw asFailure(answer.error);
  }

  /**
   * With `background`, the gets L1 answers are queued for the batched check as single reads are
   * (refresh ahead), so a batch of hot keys does not read them all again from Redis each bound.
   */
  async batch(operations: readonly Operation[], options: ReadOptions = {}): Promise<OperationResult[]> {
    const l2 = this.l2;
    if (!l2) return runSequentially(this, operations);
    const now = this.#now();
    const results: (OperationResult | undefined)[] = new Array(operations.length);
    const remote: number[] = [];
    // A get may be answered from L1 only if no earlier operation of this batch writes its key.
    const written = new Set<string>();
    operations.forEach((op, index) => {
      if (op.type === "get" && !written.has(memoryKey(op.key))) {
        const lookup = this.getFromMemory(op.key, options);
        if (lookup) {
          results[index] = { type: "get", lookup };
          return;
        }
      }
      if (op.type !== "get") written.add(memoryKey(op.key));
      remote.push(index);
    });

    if (remote.length > 0) {
      // Encoded and size-checked before the breaker: see set.
      const prepared = await l2.prepare(remote.map((index) => operations[index] as Operation));
      const answer = await this.breaker.run(() => l2.runPrepared(prepared));
      // Refused before anything was sent: the whole batch answers 413, and L1 is left untouched.
      if (!answer.ok && answer.error instanceof RequestTooLargeError) throw answer.error;
      for (const [i, index] of remote.entries()) {
        const op = operations[index] as Operation;
        const result = answer.ok ? answer.value[i] : undefined;
        results[index] =
          result && result.type !== "error"
            ? this.#absorb(op, result, now)
            : await this.#fallback(op, now, answer.ok ? result?.error : answer.error);
      }
    }
    return results as OperationResult[];
  }

  /** Mirrors a successful L2 result into L1. */
  #absorb(op: Operation, result: OperationResult, now: number): OperationResult {
    if (result.type === "get") {
      if (result.lookup) this.remember(op.key, result.lookup.entry, now);
      else this.l1.drop(op.key);
    } else if (result.type === "set" && result.result.status === "stored") {
      this.remember(op.key, result.result.entry, now);
    } else if (result.type === "delete") {
      this.l1.drop(op.key);
    }
    return result;
  }

  async #fallback(op: Operation, now: number, error: unknown): Promise<OperationResult> {
    switch (op.type) {
      case "get": {
        const lookup = this.#fallbackReadOrNothing(this.l1.record(op.key), now);
        return lookup ? { type: "get", lookup } : { type: "error", error: asUnavailable(error) };
      }
      case "set":
        return { type: "set", result: await this.#fallbackWrite(op.key, op.entry, op.options ?? {}) };
      case "delete":
        this.l1.drop(op.key);
        return { type: "error", error: asUnavailable(error) };
    }
  }

  #fallbackRead(record: MemoryRecord | undefined, now: number): Lookup {
    const lookup = this.#fallbackReadOrNothing(record, now);
    if (!lookup) throw new StoreUnavailableError("Redis is unavailable and this isolate holds no copy");
    return lookup;
  }

  #fallbackReadOrNothing(record: MemoryRecord | undefined, now: number): Lookup | undefined {
    return record && now < record.retainUntil ? { entry: record.entry, tier: "l1", degraded: true } : undefined;
  }

  async #fallbackWrite(key: EntryKey, entry: Entry, options: SetOptions): Promise<SetResult> {
    if (options.onlyIfAbsent) {
      const record = this.l1.record(key);
      if (record && isServable(record.entry, this.#now())) return { status: "exists" };
    }
    // Only this isolate will see it, for its whole lifetime: there is no newer copy to check.
    this.l1.put(key, entry, { checkedUntil: entry.staleUntil, retainUntil: entry.staleUntil, durability: "memory" });
    return { status: "stored", durability: "memory", entry };
  }

  /** Queues a copy read within `refreshAheadMs` of running out, once per bound (`queuedFor`). */
  #queueCheck(key: EntryKey, record: MemoryRecord, now: number, background: (work: Promise<unknown>) => void): void {
    if (record.durability !== "shared" || now < record.checkedUntil - this.#refreshAheadMs || !this.l2) return;
    const { checkedUntil } = record;
    record.queuedFor = checkedUntil;
    const schedule = this.#due.add(memoryKey(key), { key, version: record.entry.version, checkedUntil }, now);
    if (schedule) background(this.#sendChecks(schedule.waitMs));
  }

  /** Sends the queued checks after `waitMs`, then those queued meanwhile when they come due. */
  async #sendChecks(waitMs: number): Promise<void> {
    const l2 = this.l2;
    if (!l2) return;
    // Behind the response, not on it: the reader's Redis budget does not apply.
    await outsideRequestBudget(async () => {
      for (let wait: number | undefined = waitMs; wait !== undefined; ) {
        await new Promise((resolve) => setTimeout(resolve, wait));
        wait = undefined;
        const sentAt = this.#now();
        const { checks, ids, next } = this.#due.take(sentAt);
        if (checks.length > 0) {
          const answer = await this.breaker.run(() =>
            l2.revalidateMany(checks.map(({ key, version }) => ({ key, knownVersion: version }))),
          );
          this.#due.settle(ids);
          // A failed check changes nothing: each copy is checked by its next reader once it runs out.
          if (answer.ok)
            for (const [i, check] of checks.entries()) {
              const carried = this.#applyCheck(check, answer.value[i], sentAt);
              const schedule = carried && this.#due.add(memoryKey(check.key), carried, this.#now());
              // Nothing else was scheduled for what waits now: this sender sends it too.
              if (schedule) wait = schedule.waitMs;
            }
        }
        wait = next?.waitMs ?? wait;
      }
    });
  }

  /** Applies a check's answer to the copy it was for; returns the copy's carried check, if it gets one. */
  #applyCheck(check: PendingCheck, answer: Revalidation | undefined, sentAt: number): PendingCheck | undefined {
    const record = this.l1.record(check.key);
    // Replaced or dropped since it was queued: what is there now was not what was checked.
    if (!answer || !record || record.durability !== "shared" || record.entry.version !== check.version) return undefined;
    switch (answer.status) {
      case "absent":
        // Not dropped here: the copy stops being served unchecked, and its next reader asks Redis and
        // drops it on the read's path. Until then it stays what it always was, the isolate's copy to
        // serve if Redis fails (an entry that just expired in Redis is kept for L1_GRACE_SECONDS).
        this.l1.markChecked(check.key, Math.min(record.checkedUntil, sentAt));
        return undefined;
      case "unchanged":
        this.l1.markChecked(check.key, this.#checkedUntil(record.entry, sentAt));
        break;
      case "changed":
        this.remember(check.key, answer.entry, sentAt);
        break;
    }
    if (check.carried) return undefined;
    const checked = this.l1.record(check.key);
    return checked && { key: check.key, version: checked.entry.version, checkedUntil: checked.checkedUntil, carried: true };
  }

  /** Keeps a copy of an entry that is in Redis (written or read by someone else, e.g. an origin fill). */
  remember(key: EntryKey, entry: Entry, now: number = this.#now()): void {
    this.l1.put(key, entry, {
      checkedUntil: this.#checkedUntil(entry, now),
      retainUntil: entry.staleUntil + this.#l1GraceMs,
      durability: "shared",
    });
  }

  #checkedUntil(entry: Entry, now: number): number {
    return Math.min(now + this.#l1MaxTtlMs, entry.staleUntil);
  }
}

/** The error a caller sees: a request too large stays one (413); the rest is Redis unavailable. */
function asFailure(error: unknown): StoreUnavailableError | RequestTooLargeError | PrefixLengthsExhaustedError {
  return error instanceof RequestTooLargeError || error instanceof PrefixLengthsExhaustedError ? error : asUnavailable(error);
}

function asUnavailable(error: unknown): StoreUnavailableError {
  return error instanceof StoreUnavailableError ? error : new StoreUnavailableError("Redis is unavailable", { cause: error });
}

/** The one set's result, as L2Store.set unwraps it: an error result fails the call. */
function setResultOf(result: OperationResult | undefined): SetResult {
  if (result?.type === "set") return result.result;
  throw result?.type === "error" ? result.error : new StoreUnavailableError("unexpected reply to set");
}
