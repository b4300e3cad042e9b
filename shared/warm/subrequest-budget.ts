import type { RedisRunner } from "../redis/redis-client";

/**
 * Subrequests one invocation may still make. Workers cap them per invocation (50 on Free) and
 * count every fetch: Redis requests, origin fetches and each retry. Work is planned against this
 * count so a run stops cleanly (leaving a cursor) instead of failing at the platform's limit.
 */
export class SubrequestBudget {
  readonly limit: number;
  readonly #parent: SubrequestBudget | undefined;
  #used = 0;

  constructor(limit: number, parent?: SubrequestBudget) {
    this.limit = limit;
    this.#parent = parent;
  }

  /** A share of this budget: what it spends is spent here too, and it can never exceed either. */
  share(limit: number): SubrequestBudget {
    return new SubrequestBudget(Math.min(limit, this.remaining), this);
  }

  get used(): number {
    return this.#used;
  }

  get remaining(): number {
    return this.limit - this.#used;
  }

  /** Whether `count` more would still leave `keep` for work that must follow. */
  canAfford(count: number, keep = 0): boolean {
    return this.#used + count + keep <= this.limit && (this.#parent?.canAfford(count, keep) ?? true);
  }

  /** Takes `count` if that still leaves `keep`; false (and takes nothing) otherwise. */
  tryTake(count = 1, keep = 0): boolean {
    if (!this.canAfford(count, keep)) return false;
    this.#parent?.tryTake(count);
    this.#used += count;
    return true;
  }
}

export class BudgetExhaustedError extends Error {
  override name = "BudgetExhaustedError";
  constructor() {
    super("edge-cache (warm): subrequest budget of this invocation is spent");
  }
}

/**
 * A runner that charges one subrequest per Redis request. It must wrap a runner that makes
 * exactly one fetch per `run` (no transport retries), or the count would be low.
 */
export function budgetedRunner(inner: RedisRunner, budget: SubrequestBudget): RedisRunner {
  return {
    requestsPerRun: inner.requestsPerRun ?? 1,
    run(commands) {
      if (!budget.tryTake(inner.requestsPerRun ?? 1)) return Promise.reject(new BudgetExhaustedError());
      return inner.run(commands);
    },
  };
}
