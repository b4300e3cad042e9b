import { RequestBudgetError } from "./request-budget";
import { PrefixLengthsExhaustedError, RedisCommandError, RequestTooLargeError } from "./request-errors";

export type CircuitState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  /** Consecutive failures (errors or timeouts) that open the circuit. @default 3 */
  failureThreshold?: number;
  /** How long an open circuit refuses calls before one probe may pass. @default 2000 */
  cooldownMs?: number;
  /**
   * How long a half-open probe may stay unsettled before it is taken for lost and the next caller
   * may probe. A Workers request can be cancelled at any await, and then its probe never settles.
   * Set it to the longest a call can take (script-runner.ts `longestCallMs`).
   * @default 2500 (two requests at the default 1000 ms L2 deadline, plus CPU time)
   */
  probeTimeoutMs?: number;
  now?: () => number;
}

/** What a call's outcome says about Redis. */
type Verdict = "reachable" | "failing" | "unknown";

/**
 * Keeps requests from waiting on a Redis that is failing: while open, callers go straight to
 * their fallback. After the cool-down one probe is let through (half-open); its success closes
 * the circuit, its failure opens it for another cool-down.
 *
 * Only failures of Redis count: a request refused for its size, or cut by its request's budget,
 * says nothing about Redis, and a command error is Redis answering. So one tenant's oversized
 * batch or odd key never opens the circuit every tenant of the isolate shares.
 */
export class CircuitBreaker {
  readonly #failureThreshold: number;
  readonly #cooldownMs: number;
  readonly #probeTimeoutMs: number;
  readonly #now: () => number;
  #failures = 0;
  #openedAt: number | undefined;
  /** The probe out in half-open state, by the time it was let through. */
  #probe: { startedAt: number } | undefined;

  constructor(options: CircuitBreakerOptions = {}) {
    this.#failureThreshold = options.failureThreshold ?? 3;
    this.#cooldownMs = options.cooldownMs ?? 2000;
    this.#probeTimeoutMs = options.probeTimeoutMs ?? 2500;
    this.#now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.#openedAt === undefined) return "closed";
    return this.#now() - this.#openedAt >= this.#cooldownMs ? "half-open" : "open";
  }

  /** Failures counted since Redis last answered. */
  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** Whether a call may go to Redis now. In half-open, only one caller gets true at a time. */
  tryAcquire(): boolean {
    return this.#acquire() !== undefined;
  }

  recordSuccess(): void {
    this.#failures = 0;
    this.#openedAt = undefined;
    this.#probe = undefined;
  }

  recordFailure(): void {
    this.#probe = undefined;
    this.#failures += 1;
    if (this.#openedAt !== undefined || this.#failures >= this.#failureThreshold) this.#openedAt = this.#now();
  }

  /**
   * Runs `call` through the breaker; a refused call fails with CircuitOpenError without running.
   * A call whose outcome says nothing about Redis counts neither way, and a probe it held is
   * handed back for the next caller.
   */
  async run<T>(call: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    const ticket = this.#acquire();
    if (ticket === undefined) return { ok: false, error: new CircuitOpenError() };
    try {
      const value = await call();
      this.recordSuccess();
      return { ok: true, value };
    } catch (error) {
      const verdict = verdictOf(error);
      if (verdict === "reachable") this.recordSuccess();
      else if (verdict === "failing") this.recordFailure();
      else if (ticket !== "closed" && this.#probe === ticket) this.#probe = undefined;
      return { ok: false, error };
    }
  }

  /** "closed" when the circuit lets every call through, the probe when this call is it. */
  #acquire(): "closed" | { startedAt: number } | undefined {
    const state = this.state;
    if (state === "closed") return "closed";
    if (state === "open") return undefined;
    const now = this.#now();
    // A probe out for longer than any call can take was cancelled with its request.
    if (this.#probe && now - this.#probe.startedAt < this.#probeTimeoutMs) return undefined;
    this.#probe = { startedAt: now };
    return this.#probe;
  }
}

function verdictOf(error: unknown): Verdict {
  if (error instanceof RequestTooLargeError) return "unknown";
  if (error instanceof RequestBudgetError) return "unknown";
  if (error instanceof RedisCommandError || error instanceof PrefixLengthsExhaustedError) return "reachable";
  return "failing";
}

export class CircuitOpenError extends Error {
  override name = "CircuitOpenError";
  constructor() {
    super("edge-cache (upstash): circuit open, Redis is not called until it recovers");
  }
}
