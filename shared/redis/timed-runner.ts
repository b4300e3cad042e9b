import type { RedisRunner } from "./redis-client";
import { RequestBudgetError } from "./request-budget";
import { RequestTooLargeError } from "./request-errors";

/** Reports how long each Redis request took, and whether it failed. */
export function timedRunner(runner: RedisRunner, observe: (outcome: "ok" | "error", seconds: number) => void): RedisRunner {
  return {
    async run(commands) {
      const started = performance.now();
      try {
        const replies = await runner.run(commands);
        observe("ok", (performance.now() - started) / 1000);
        return replies;
      } catch (error) {
        // A call its request's budget or size refused never reached Redis: nothing to time.
        const unsent = (error instanceof RequestBudgetError && !error.sent) || error instanceof RequestTooLargeError;
        if (!unsent) observe("error", (performance.now() - started) / 1000);
        throw error;
      }
    },
  };
}
