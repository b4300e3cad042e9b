import { setTimeout as sleep } from "node:timers/promises";

export interface PollOptions {
  /** Gives up after this long; set it well past the bound the test is about. */
  timeoutMs: number;
  /** @default 100 */
  intervalMs?: number;
}

export interface Polled<T> {
  value: T;
  /** Every value seen, the last one included. */
  seen: T[];
  elapsedMs: number;
}

/** Calls `probe` until `done` holds for its value; fails with the last value seen once `timeoutMs` has passed. */
export async function pollUntil<T>(probe: () => Promise<T>, done: (value: T) => boolean, options: PollOptions): Promise<Polled<T>> {
  const started = performance.now();
  const seen: T[] = [];
  for (;;) {
    const value = await probe();
    seen.push(value);
    const elapsedMs = performance.now() - started;
    if (done(value)) return { value, seen, elapsedMs };
    if (elapsedMs > options.timeoutMs) {
      throw new Error(`still not there after ${Math.round(elapsedMs)} ms (${seen.length} tries); last: ${JSON.stringify(value)}`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}
