import { StoreUnavailableError } from "../cache/store";
import { type CircuitBreaker, CircuitOpenError } from "./circuit-breaker";
import type { RedisRunner } from "./redis-client";
import { RequestTooLargeError } from "./request-errors";

/**
 * A runner that shares the store's circuit breaker: while Redis is known to be failing, tenant
 * lookups, stats reads and health probes fail at once instead of each waiting out a deadline.
 */
export function guardedRunner(runner: RedisRunner, breaker: CircuitBreaker): RedisRunner {
  return {
    async run(commands) {
      const result = await breaker.run(() => runner.run(commands));
      if (result.ok) return result.value;
      // The caller's request is too large, not Redis unavailable: it answers 413, never 503.
      if (result.error instanceof StoreUnavailableError || result.error instanceof RequestTooLargeError) throw result.error;
      throw new StoreUnavailableError(result.error instanceof CircuitOpenError ? "circuit open" : "request failed", {
        cause: result.error,
      });
    },
  };
}
