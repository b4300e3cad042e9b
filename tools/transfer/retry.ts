import { setTimeout as sleepMs } from "node:timers/promises";
import { EdgeCacheError } from "../../client/index.ts";

export interface RetryOptions {
  /** Tries in all, the first included. @default 8 */
  maxAttempts?: number;
  /** First backoff when the server names no Retry-After; doubles each time. @default 500 */
  baseDelayMs?: number;
  /** @default 30000 */
  maxDelayMs?: number;
  /** @default node's timers/promises setTimeout */
  sleep?: (ms: number) => Promise<unknown>;
  /** Told before each wait, for a line on the terminal. */
  onRetry?: (error: unknown, delayMs: number, attempt: number) => void;
}

/** A batch whose sets did not all reach Redis (an operation failed, or was kept in memory only). */
export class UnsettledBatchError extends Error {
  override readonly name = "UnsettledBatchError";
}

/** Worth sending again unchanged: 429, 503, a batch not wholly in Redis, or a failed connection. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof EdgeCacheError) return error.retryable;
  if (error instanceof UnsettledBatchError) return true;
  // Node's fetch rejects a refused or reset connection with TypeError("fetch failed").
  return error instanceof TypeError && error.message === "fetch failed";
}

/** Runs `work` until it succeeds, a non-retryable error, or the attempts run out (then the last error). */
export async function withRetry<T>(work: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 8;
  const sleep = options.sleep ?? sleepMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryable(error)) throw error;
      const delayMs = retryDelayMs(error, attempt, options);
      options.onRetry?.(error, delayMs, attempt);
      await sleep(delayMs);
    }
  }
}

function retryDelayMs(error: unknown, attempt: number, options: RetryOptions): number {
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  // The server's Retry-After wins, even past maxDelayMs: sooner would only be refused again.
  if (error instanceof EdgeCacheError && error.retryAfter !== undefined) return error.retryAfter * 1000;
  return Math.min(maxDelayMs, (options.baseDelayMs ?? 500) * 2 ** (attempt - 1));
}
