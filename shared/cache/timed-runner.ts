import type { RedisRunner } from "./redis-client";

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
        observe("error", (performance.now() - started) / 1000);
        throw error;
      }
    },
  };
}
