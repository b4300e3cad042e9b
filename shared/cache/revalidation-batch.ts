import type { EntryKey } from "./keys";

export interface RevalidationBatchOptions {
  /** The least time copies are gathered before one request checks them all. */
  coalesceMs: number;
  /**
   * How long before the first queued copy runs out the check is sent: the rest of the wait
   * gathers every copy that comes due meanwhile into the same request, so copies read at
   * different moments end up checked, and so due, together.
   */
  sendMarginMs: number;
  /**
   * How long a scheduled check may stay unsent before it is taken for lost (the work that was to
   * send it was cancelled) and the next reader schedules another.
   */
  lostAfterMs: number;
  /** Copies waiting at most; past it, a copy is left to be revalidated by its next reader. */
  maxPending: number;
  /** Copies one request checks at most; the rest wait for the next. */
  maxPerCheck: number;
}

export interface PendingCheck {
  key: EntryKey;
  /** The version of the L1 copy the check was asked for: a copy replaced since is left alone. */
  version: number;
  /** Until when that copy is served without a check. */
  checkedUntil: number;
  /**
   * Queued again by its last check rather than by a read: a copy read in one bound is checked in
   * the next too, once, so a key read about once a bound stays checked instead of running out
   * every other bound. A read clears it; a carried copy is not carried again.
   */
  carried?: boolean;
}

/** When the check of what was just queued is to be sent, as a wait from now; undefined: already scheduled. */
export type Schedule = { waitMs: number } | undefined;

/**
 * The L1 copies of this isolate whose check is due soon, gathered so that one request (one
 * script call) checks them all instead of one per key (tiered-store.ts, refresh ahead). The
 * request that finds the batch empty schedules its sending in its own background work: no
 * reader ever waits on another request's I/O. Every bit of state is bounded and expires: a
 * schedule not sent within `lostAfterMs` is replaced by the next reader's.
 */
export class RevalidationBatch {
  readonly #options: RevalidationBatchOptions;
  readonly #pending = new Map<string, PendingCheck>();
  /** Copies whose check is out, by when it was sent: not queued again meanwhile. Expire on their own. */
  readonly #inFlight = new Map<string, number>();
  #scheduledAt: number | undefined;

  constructor(options: RevalidationBatchOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#pending.size;
  }

  /**
   * Queues a copy for the next check. Returns when to send it if the
   * caller must schedule the sending (`take` after the wait): nothing was scheduled, or what was
   * scheduled is lost.
   */
  add(id: string, check: PendingCheck, now: number): Schedule {
    this.#expireInFlight(now);
    if (this.#inFlight.has(id)) return undefined;
    // A read queued it since: that entry stays (it is carried in its turn).
    if (check.carried && this.#pending.has(id)) return undefined;
    if (!this.#pending.has(id) && this.#pending.size >= this.#options.maxPending) return undefined;
    this.#pending.set(id, check);
    if (this.#scheduledAt !== undefined && now - this.#scheduledAt < this.#options.lostAfterMs) return undefined;
    return this.#schedule(check.checkedUntil, now);
  }

  /**
   * The copies for one request, oldest first, and when to send the next one for those still
   * waiting (queued while this one was out, or past `maxPerCheck`): shortly before the first of
   * them runs out, so copies coming due meanwhile join it. Undefined: nothing waits.
   */
  take(now: number): { checks: PendingCheck[]; ids: string[]; next: Schedule } {
    this.#expireInFlight(now);
    const checks: PendingCheck[] = [];
    const ids: string[] = [];
    for (const [id, check] of this.#pending) {
      if (checks.length >= this.#options.maxPerCheck || this.#inFlight.size >= this.#options.maxPending) break;
      checks.push(check);
      ids.push(id);
      this.#pending.delete(id);
      this.#inFlight.set(id, now);
    }
    let first = Number.POSITIVE_INFINITY;
    for (const check of this.#pending.values()) first = Math.min(first, check.checkedUntil);
    const next = this.#pending.size > 0 ? this.#schedule(first, now) : undefined;
    if (!next) this.#scheduledAt = undefined;
    return { checks, ids, next };
  }

  /** The check of these copies answered (or failed): their next reads may queue them again. */
  settle(ids: readonly string[]): void {
    for (const id of ids) this.#inFlight.delete(id);
  }

  // Insertion order is send order: the expired ones are at the front.
  #expireInFlight(now: number): void {
    for (const [id, sentAt] of this.#inFlight) {
      if (now - sentAt < this.#options.lostAfterMs) break;
      this.#inFlight.delete(id);
    }
  }

  #schedule(checkedUntil: number, now: number): Schedule {
    const waitMs = Math.max(this.#options.coalesceMs, checkedUntil - this.#options.sendMarginMs - now);
    // Lost only once it is overdue by the longest a check can take.
    this.#scheduledAt = now + waitMs;
    return { waitMs };
  }
}
