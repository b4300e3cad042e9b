import { setTimeout as sleep } from "node:timers/promises";

/**
 * Spaces work out to at most `perSecond` units a second (`--rate`): each take(n) waits until its
 * units fit, so bursts are smoothed rather than refused.
 */
export class Pacer {
  readonly #perSecond: number;
  readonly #now: () => number;
  // When the budget is next free: a running schedule, not a bucket, so concurrent callers queue in order.
  #nextFreeAt = 0;

  /** @param now milliseconds, @default performance.now */
  constructor(perSecond: number, now: () => number = () => performance.now()) {
    if (!(perSecond > 0)) throw new RangeError("a pacer needs a positive rate");
    this.#perSecond = perSecond;
    this.#now = now;
  }

  async take(units: number): Promise<void> {
    const now = this.#now();
    const startAt = Math.max(now, this.#nextFreeAt);
    this.#nextFreeAt = startAt + (units * 1000) / this.#perSecond;
    if (startAt > now) await sleep(startAt - now);
  }
}
