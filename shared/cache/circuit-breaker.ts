import { RequestBudgetError } from "./request-budget";

export type CircuitState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  /** Consecutive failures (errors or timeouts) that open the circuit. @default 3 */
  failureThreshold?: number;
  /** How long an open circuit refuses calls before one probe may pass. @default 2000 */
  cooldownMs?: number;
  now?: () => number;
}

/**
 * Keeps requests from waiting on a Redis that is failing: while open, callers go straight to
 * their fallback. After the cool-down one probe is let through (half-open); its success closes
 * the circuit, its failure opens it for another cool-down.
 */
export class CircuitBreaker {
  readonly #failureThreshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;
  #probeInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#failureThreshold = options.failureThreshold ?? 3;
    this.#cooldownMs = options.cooldownMs ?? 2000;
    this.#now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.#openedAt === undefined) return "closed";
    return this.#now() - this.#openedAt >= this.#cooldownMs ? "half-open" : "open";
  }

  /** Whether a call may go to Redis now. In half-open, only one caller gets true at a time. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === "closed") return true;
    if (state === "open" || this.#probeInFlight) return false;
    this.#probeInFlight = true;
    return true;
  }

  recordSuccess(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probeInFlight = false;
  }

  recordFailure(): void {
    this.#probeInFlight = false;
    this.#failures += 1;
    if (this.#openedAt !== undefined || this.#failures >= this.#failureThreshold) this.#openedAt = this.#now();
  }

  /**
   * Runs `call` through the breaker; a refused call fails with CircuitOpenError without running.
   * A call refused or cut short by its request's budget counts neither way: it says nothing about
   * Redis (a probe it held is handed back for the next caller).
   */
  async run<T>(call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    const probing = this.#openedAt !== undefined;
    if (!this.tryAcquire()) return { ok: false, error: new CircuitOpenError() };
    try {
      const value = await call();
      this.recordSuccess();
      return { ok: true, value };
    } catch (error) {
      if (error instanceof RequestBudgetError) {
        if (probing) this.#probeInFlight = false;
      } else {
        this.recordFailure();
      }
      return { ok: false, error };
    }
  }
}

export class CircuitOpenError extends Error {
  override name = "CircuitOpenError";
  constructor() {
    super("edge-cache (upstash): circuit open, Redis is not called until it recovers");
  }
}
