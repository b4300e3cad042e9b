import { AsyncLocalStorage } from "node:async_hooks";
import { StoreUnavailableError } from "../cache/store";

/**
 * One Redis time budget per request: its start + L2_TIMEOUT_MS. A request may call Redis several
 * times in a row (token re-verification, rate limit, the store operation, a NOSCRIPT retry, the
 * warm-plan lookup); each call waits at most what is left, and once one of them has failed the
 * request's later calls fail at once and go to their fallback. So a request waits on Redis for
 * one deadline in all, not one per call (bench/CHAOS.md, finding 4).
 *
 * The budget travels in an AsyncLocalStorage rather than as a parameter: it is made at the start
 * of the request (functions/middleware/request-context.ts), entered around the steps that may
 * call Redis (functions/http/request-budget.ts), and read only at the two places that talk to
 * Redis (the transport and the rate limiter), so the store, the token service and the warm code
 * between them keep their signatures. A request answered without Redis (an L1 hit with a verified
 * token) never enters it: it costs that request only this object. Work that outlives the response
 * (stats flushes, revalidation and lease releases through waitUntil, cron) is started through
 * `outsideRequestBudget`, so it keeps the per-call deadlines and is never cut by a request that
 * happened to trigger it.
 */
export class RequestBudget {
  #deadline: number;
  #failed = false;

  constructor(budgetMs: number) {
    this.#deadline = performance.now() + budgetMs;
  }

  /** Time left to wait on Redis; 0 once spent or once a call of this request failed. */
  remainingMs(): number {
    return this.#failed ? 0 : Math.max(0, this.#deadline - performance.now());
  }

  /** A call of this request failed or timed out: the rest go straight to their fallback. */
  fail(): void {
    this.#failed = true;
  }

  /**
   * Waiting on something other than Redis (an origin fetch, a pause between polls) does not
   * spend the budget: the deadline moves by the time it took.
   */
  async excluding<T>(work: Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work;
    } finally {
      this.#deadline += performance.now() - started;
    }
  }
}

const storage = new AsyncLocalStorage<RequestBudget>();

/** Runs a request's work under a fresh budget of `budgetMs`. */
export function withRequestBudget<T>(budgetMs: number, work: () => T): T {
  return storage.run(new RequestBudget(budgetMs), work);
}

/**
 * Runs work under a budget made earlier in the request: a request enters its budget only for the
 * steps that may call Redis, since entering a context frame is a measurable share of a request
 * that makes no call (an L1 hit; bench/PROFILE.md). The deadline still runs from the budget's
 * creation, so every step of the request shares it.
 */
export function withinRequestBudget<T>(budget: RequestBudget, work: () => T): T {
  return storage.run(budget, work);
}

/** The budget of the request this code runs for; undefined in background work and cron. */
export function currentRequestBudget(): RequestBudget | undefined {
  return storage.getStore();
}

/** Starts work that must not be bound by the current request's budget (waitUntil work). */
export function outsideRequestBudget<T>(work: () => T): T {
  return storage.exit(work);
}

/** Awaits a non-Redis wait without spending the current request's budget, if there is one. */
export function notRedisTime<T>(work: Promise<T>): Promise<T> {
  const budget = storage.getStore();
  return budget ? budget.excluding(work) : work;
}

/**
 * A call refused, or cut short, by its request's budget. It says nothing about Redis itself, so
 * the circuit breaker does not count it.
 */
export class RequestBudgetError extends StoreUnavailableError {
  override name = "RequestBudgetError";

  /** `sent`: the call reached Redis and was cut at the budget's end; otherwise it was never sent. */
  constructor(
    readonly sent: boolean,
    options?: ErrorOptions,
  ) {
    super(sent ? "the request's Redis budget ran out during the call" : "the request's Redis budget is spent", options);
  }
}
