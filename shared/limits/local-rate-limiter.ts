import type { RateDecision, RateRule } from "./rate-limiter";

interface Window {
  start: number;
  current: number;
  previous: number;
}

/**
 * A per-isolate sliding window (the previous fixed window weighted by its overlap). Used alone in
 * memory-only mode and as the fallback while Redis cannot be asked: limits then hold per isolate
 * instead of globally, rather than not at all.
 */
export class LocalRateLimiter {
  readonly #windows = new Map<string, Window>();
  readonly #maxKeys: number;
  readonly #now: () => number;

  constructor(options: { maxKeys?: number; now?: () => number } = {}) {
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  check(identifier: string, rule: RateRule): RateDecision {
    const now = this.#now();
    const windowMs = rule.windowSeconds * 1000;
    const start = Math.floor(now / windowMs) * windowMs;
    let window = this.#windows.get(identifier);
    if (!window || window.start < start - windowMs) window = { start, current: 0, previous: 0 };
    else if (window.start < start) window = { start, current: 0, previous: window.current };
    const weight = 1 - (now - start) / windowMs;
    const used = window.previous * weight + window.current;
    const allowed = used < rule.requests;
    if (allowed) window.current += 1;
    this.#windows.delete(identifier);
    this.#windows.set(identifier, window);
    if (this.#windows.size > this.#maxKeys) {
      const oldest = this.#windows.keys().next().value;
      if (oldest !== undefined) this.#windows.delete(oldest);
    }
    return {
      allowed,
      limit: rule.requests,
      remaining: Math.max(0, Math.floor(rule.requests - used - (allowed ? 1 : 0))),
      resetAt: start + windowMs,
      scope: "isolate",
    };
  }
}
