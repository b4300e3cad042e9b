import { setTimeout as sleep } from "node:timers/promises";

/** Runs `tick` every `intervalMs` (never two at once) until stopped. */
export function startPeriodic(intervalMs: number, tick: () => Promise<unknown>): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await tick();
      await sleep(intervalMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}
