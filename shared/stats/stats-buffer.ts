import { statsFlushRedisKey, statsMinuteRedisKey, statsRedisKey, type TenantId, topKeysRedisKey } from "../cache/keys";
import { flushStatsScript } from "../cache/lua-scripts";
import type { RedisRunner } from "../cache/redis-client";
import { outsideRequestBudget } from "../cache/request-budget";
import { runCalls } from "../cache/script-runner";
import { addCounters, COUNTER_NAMES, type CounterName, type Counters, emptyCounters } from "./counters";

export interface StatsBufferOptions {
  /** Minimum time between two flushes of this isolate. @default 5000 */
  flushIntervalMs?: number;
  now?: () => number;
}

/**
 * What this isolate had not flushed when a read of Redis's counters began. Until it is closed, no
 * flush of this isolate starts (tenant-counters.ts).
 */
export interface UnflushedRead {
  /** The flush sent but not confirmed, whose marker tells whether Redis already counted it. */
  readonly unconfirmedFlushId: string | undefined;
  /** This isolate's counts Redis lacks, given whether the unconfirmed flush turned out applied. */
  unflushed(tenant: TenantId, unconfirmedApplied: boolean): Counters;
  close(): void;
}

interface Flush {
  id: string;
  deltas: Map<TenantId, Counters>;
  reads: Map<TenantId, Map<string, number>>;
  firstTriedAt: number;
}

// The flush marker lives this long in Redis; a flush retried later could count twice.
const MARKER_TTL_SECONDS = 300;
const GIVE_UP_AFTER_MS = 240_000;
// A read holds flushes back while it runs; one never closed (its request cancelled) stops holding
// after this long. Reads are bounded far below it by the Redis deadline.
const MAX_HOLD_MS = 10_000;
// Per-minute counters feed the hit-ratio-over-time view: a day of them, plus margin.
const MINUTE_TTL_SECONDS = 25 * 3600;
// Distinct keys whose reads one isolate tracks per tenant between flushes: hot keys show up
// early, and the cap bounds memory however many keys are read.
const MAX_TRACKED_KEYS = 256;

/**
 * Counts per tenant in this isolate and writes the counts to Redis at most once per interval,
 * all tenants in one pipelined request, off the request path (ctx.waitUntil). A flush that
 * fails is retried with the same id, so Redis applies it at most once.
 */
export class StatsBuffer {
  readonly #flushIntervalMs: number;
  readonly #now: () => number;
  #pending = new Map<TenantId, Counters>();
  #pendingReads = new Map<TenantId, Map<string, number>>();
  #unconfirmed: Flush | undefined;
  #inFlight: Promise<void> | undefined;
  #lastFlushAt: number;
  readonly #reads = new Set<{ openedAt: number }>();

  constructor(options: StatsBufferOptions = {}) {
    this.#flushIntervalMs = options.flushIntervalMs ?? 5000;
    this.#now = options.now ?? Date.now;
    this.#lastFlushAt = this.#now();
  }

  add(tenant: TenantId, name: CounterName, amount = 1): void {
    if (amount === 0) return;
    let counters = this.#pending.get(tenant);
    if (!counters) {
      counters = emptyCounters();
      this.#pending.set(tenant, counters);
    }
    counters[name] += amount;
  }

  /** Counts a read of a key, for the tenant's most-read keys. */
  noteRead(tenant: TenantId, key: string): void {
    let reads = this.#pendingReads.get(tenant);
    if (!reads) {
      reads = new Map();
      this.#pendingReads.set(tenant, reads);
    }
    const count = reads.get(key);
    if (count !== undefined) reads.set(key, count + 1);
    else if (reads.size < MAX_TRACKED_KEYS) reads.set(key, 1);
  }

  /** What this isolate counted for a tenant that Redis does not have yet. */
  unflushed(tenant: TenantId): Counters {
    const counters = emptyCounters();
    const pending = this.#pending.get(tenant);
    if (pending) addCounters(counters, pending);
    const unconfirmed = this.#unconfirmed?.deltas.get(tenant);
    if (unconfirmed) addCounters(counters, unconfirmed);
    return counters;
  }

  /**
   * Starts a read of Redis's counters to add this isolate's to. A flush in flight meanwhile is
   * the unconfirmed one, whose marker the read checks; a new flush is held back until `close`, as
   * it could land in Redis before the read and be counted twice.
   */
  openRead(): UnflushedRead {
    const hold = { openedAt: this.#now() };
    this.#reads.add(hold);
    const flush = this.#unconfirmed;
    return {
      unconfirmedFlushId: flush?.id,
      unflushed: (tenant, unconfirmedApplied) => {
        const counters = emptyCounters();
        const pending = this.#pending.get(tenant);
        if (pending) addCounters(counters, pending);
        const unconfirmed = unconfirmedApplied ? undefined : flush?.deltas.get(tenant);
        if (unconfirmed) addCounters(counters, unconfirmed);
        return counters;
      },
      close: () => {
        this.#reads.delete(hold);
      },
    };
  }

  #heldByReads(): boolean {
    const now = this.#now();
    for (const hold of this.#reads) {
      if (now - hold.openedAt < MAX_HOLD_MS) return true;
      this.#reads.delete(hold);
    }
    return false;
  }

  isFlushDue(): boolean {
    if (this.#inFlight || this.#heldByReads()) return false;
    if (this.#pending.size === 0 && this.#pendingReads.size === 0 && !this.#unconfirmed) return false;
    return this.#now() - this.#lastFlushAt >= this.#flushIntervalMs;
  }

  /**
   * Writes what is pending; never throws (a failed flush stays queued for the next one). Does
   * nothing while a read holds flushes back: the next due flush carries the counts.
   *
   * A flush runs after the response (waitUntil) but is started by whichever request finds it
   * due: it runs outside that request's Redis budget (a request that spent it would leave its
   * flush nothing), with the per-call deadline.
   */
  flush(runner: RedisRunner): Promise<void> {
    if (!this.#inFlight && this.#heldByReads()) return Promise.resolve();
    this.#inFlight ??= outsideRequestBudget(() => this.#flush(runner)).finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #flush(runner: RedisRunner): Promise<void> {
    const now = this.#now();
    this.#lastFlushAt = now;
    if (this.#unconfirmed && now - this.#unconfirmed.firstTriedAt > GIVE_UP_AFTER_MS) this.#unconfirmed = undefined;
    if (!this.#unconfirmed) {
      if (this.#pending.size === 0 && this.#pendingReads.size === 0) return;
      this.#unconfirmed = { id: crypto.randomUUID(), deltas: this.#pending, reads: this.#pendingReads, firstTriedAt: now };
      this.#pending = new Map();
      this.#pendingReads = new Map();
    }
    const flush = this.#unconfirmed;
    const tenants = new Set([...flush.deltas.keys(), ...flush.reads.keys()]);
    const calls = [...tenants].map((tenant) => {
      const counters = flush.deltas.get(tenant) ?? emptyCounters();
      const counterArgs = COUNTER_NAMES.flatMap((name) => (counters[name] === 0 ? [] : [name, String(counters[name])]));
      const readArgs = [...(flush.reads.get(tenant) ?? [])].flatMap(([key, count]) => [key, String(count)]);
      return {
        script: flushStatsScript,
        // Counts land in the minute of their first flush attempt, so a retry cannot move them.
        keys: [
          statsRedisKey(tenant),
          statsFlushRedisKey(tenant, flush.id),
          statsMinuteRedisKey(tenant, Math.floor(flush.firstTriedAt / 60_000)),
          topKeysRedisKey(tenant),
        ],
        args: [String(MARKER_TTL_SECONDS), String(MINUTE_TTL_SECONDS), String(counterArgs.length), ...counterArgs, ...readArgs],
      };
    });
    try {
      const replies = await runCalls(runner, calls);
      if (replies.every((reply) => reply.ok)) this.#unconfirmed = undefined;
    } catch {
      // Kept in #unconfirmed: the next flush retries it with the same id.
    }
  }
}
