import { type LoadGenerator, startLoadGenerator } from "./load-client.ts";
import { startWrkLoad, wrkCanSend } from "./wrk-client.ts";

export type LoadGeneratorName = "wrk" | "autocannon";

/**
 * wrk for every plan it can send (one fixed request), autocannon for the rest (the mixed plan
 * draws a key per request); or autocannon for everything, as every run before wrk was measured,
 * to compare with older results.
 */
export function startLoad(repoRoot: string, preferred: LoadGeneratorName): LoadGenerator {
  const autocannon = startLoadGenerator(repoRoot);
  const wrk = preferred === "wrk" ? startWrkLoad() : undefined;
  return {
    run(job) {
      return wrk && wrkCanSend(job.plan) ? wrk.run(job) : autocannon.run(job);
    },
    async stop() {
      await Promise.all([autocannon.stop(), wrk?.stop()]);
    },
  };
}
