import type { TenantId } from "../cache/keys";
import type { RedisRunner } from "../redis/redis-client";
import { outsideRequestBudget } from "../redis/request-budget";
import { addCounters, type CounterName, type Counters, emptyCounters } from "./counters";
import { type FlushContent, MARKER_TTL_SECONDS, sendFlush } from "./flush-requests";
import { PendingStats, type PendingStatsLimits } from "./pending-stats";

export interface StatsBufferOptions {
  /** Minimum time between two flushes of this isolate. @default 5000 */
  flushIntervalMs?: number;
  /**
   * Tenants whose counts are kept between two flushes. When full, a flush is due at once; while
   * Redis cannot take it, a new tenant's counts are dropped (and counted, `onDropped`).
   * @default 10000
   */
  maxTenants?: number;
  /** Estimated heap bytes of the keys tracked for most-read keys, over all tenants. @default 4 MiB */
  maxReadKeyBytes?: number;
  /** Largest request a flush sends (L2_MAX_REQUEST_BYTES); a larger flush is split. @default 10_000_000 */
  maxRequestBytes?: number;
  /**
   * How long a flush may stay unsettled before it is taken for lost (its request was cancelled)
   * and the next flush may start. Set it to the longest a call can take (script-runner.ts
   * `longestCallMs`). @default 2500
   */
  flushTimeoutMs?: number;
  /** Told how many counter updates were dropped: refused while full, or a flush given up. */
  onDropped?: (updates: number) => void;
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

// Retrying after the marker expires could count a flush twice: give it up well before.
const GIVE_UP_AFTER_MS = (MARKER_TTL_SECONDS - 60) * 1000;
// A read holds flushes back while it runs; one never closed (its request cancelled) stops holding
// after this long. Reads are bounded far below it by the Redis deadline.
const MAX_HOLD_MS = 10_000;
const MAX_TRACKED_KEYS_PER_TENANT = 256;

/**
 * Counts per tenant in this isolate and writes the counts to Redis at most once per interval,
 * all tenants in one pipelined request (split only past the request-size limit), off the request
 * path (ctx.waitUntil). A flush that fails is retried with the same id, so Redis applies it at
 * most once; the tenants Redis confirmed leave it. Memory is bounded: by tenant count, by tracked
 * key bytes, and at most one pending plus one unconfirmed flush.
 */
export class StatsBuffer {
  readonly #flushIntervalMs: number;
  readonly #limits: PendingStatsLimits;
  readonly #maxRequestBytes: number;
  readonly #flushTimeoutMs: number;
  readonly #onDropped: (updates: number) => void;
  readonly #now: () => number;
  #pending: PendingStats;
  #unconfirmed: FlushContent | undefined;
  /** The flush out, by when it started: one older than `flushTimeoutMs` was cancelled. */
  #inFlight: { startedAt: number; done: Promise<void> } | undefined;
  #lastFlushAt: number;
  readonly #reads = new Set<{ openedAt: number }>();

  constructor(options: StatsBufferOptions = {}) {
    this.#flushIntervalMs = options.flushIntervalMs ?? 5000;
    this.#limits = {
      maxTenants: options.maxTenants ?? 10_000,
      maxKeysPerTenant: MAX_TRACKED_KEYS_PER_TENANT,
      maxReadKeyBytes: options.maxReadKeyBytes ?? 4 * 1024 * 1024,
    };
    this.#maxRequestBytes = options.maxRequestBytes ?? 10_000_000;
    this.#flushTimeoutMs = options.flushTimeoutMs ?? 2500;
    this.#onDropped = options.onDropped ?? (() => {});
    this.#now = options.now ?? Date.now;
    this.#pending = new PendingStats(this.#limits);
    this.#lastFlushAt = this.#now();
  }

  add(tenant: TenantId, name: CounterName, amount = 1): void {
    if (amount === 0) return;
    if (!this.#pending.add(tenant, name, amount)) this.#onDropped(1);
  }

  /** Counts a read of a key, for the tenant's most-read keys. */
  noteRead(tenant: TenantId, key: string): void {
    this.#pending.noteRead(tenant, key);
  }

  /** What this isolate counted for a tenant that Redis does not have yet. */
  unflushed(tenant: TenantId): Counters {
    const counters = emptyCounters();
    const pending = this.#pending.counters.get(tenant);
    if (pending) addCounters(counters, pending);
    const unconfirmed = this.#unconfirmed?.stats.counters.get(tenant);
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
        const pending = this.#pending.counters.get(tenant);
        if (pending) addCounters(counters, pending);
        const unconfirmed = unconfirmedApplied ? undefined : flush?.stats.counters.get(tenant);
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

  #flushInFlight(): boolean {
    return this.#inFlight !== undefined && this.#now() - this.#inFlight.startedAt < this.#flushTimeoutMs;
  }

  isFlushDue(): boolean {
    if (this.#flushInFlight() || this.#heldByReads()) return false;
    if (this.#pending.isEmpty && !this.#unconfirmed) return false;
    // Full: new tenants' counts are being dropped, so make room now, unless Redis has not taken
    // the last flush (then the interval paces the retries).
    if (this.#pending.isFull && !this.#unconfirmed) return true;
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
    if (this.#flushInFlight()) return (this.#inFlight as { done: Promise<void> }).done;
    if (this.#heldByReads()) return Promise.resolve();
    const inFlight = { startedAt: this.#now(), done: Promise.resolve() };
    inFlight.done = outsideRequestBudget(() => this.#flush(runner)).finally(() => {
      if (this.#inFlight === inFlight) this.#inFlight = undefined;
    });
    this.#inFlight = inFlight;
    return inFlight.done;
  }

  async #flush(runner: RedisRunner): Promise<void> {
    const now = this.#now();
    this.#lastFlushAt = now;
    if (this.#unconfirmed && now - this.#unconfirmed.firstTriedAt > GIVE_UP_AFTER_MS) {
      this.#onDropped(this.#unconfirmed.stats.totalUpdates);
      this.#unconfirmed = undefined;
    }
    if (!this.#unconfirmed) {
      if (this.#pending.isEmpty) return;
      this.#unconfirmed = { id: crypto.randomUUID(), stats: this.#pending, firstTriedAt: now };
      this.#pending = new PendingStats(this.#limits);
    }
    const flush = this.#unconfirmed;
    const confirmed = await sendFlush(runner, flush, this.#maxRequestBytes).catch(() => new Set<TenantId>());
    // A flush taken for lost that settles after all must not undo what its successor recorded.
    if (this.#unconfirmed !== flush || confirmed.size === 0) return;
    const left = [...flush.stats.tenants].filter((tenant) => !confirmed.has(tenant));
    // A new object, never an edit: a read that began meanwhile still holds the one it saw.
    this.#unconfirmed = left.length === 0 ? undefined : { ...flush, stats: flush.stats.only(left) };
  }
}
