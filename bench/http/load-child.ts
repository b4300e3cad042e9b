/**
 * The load generator, in a process of its own so its CPU never counts against the harness (which
 * also hosts the gateway). Receives LoadJob messages over IPC, answers each with a LoadResult.
 */
import autocannon from "autocannon";
import type { LoadJob, LoadMessage, LoadResult } from "./load-types.ts";
import { type Outcomes, recordOutcome } from "./outcomes.ts";
import { LatencySamples } from "./percentiles.ts";
import { toLoadRequests } from "./request-plan.ts";

function runLoad(job: LoadJob): Promise<LoadResult> {
  const latencies = new LatencySamples();
  const statusCodes: Record<string, number> = {};
  const outcomes: Outcomes = {};
  let ok = 0;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        ...(job.amount ? { amount: job.amount } : { duration: job.durationSeconds ?? 10 }),
        requests: toLoadRequests(job.plan, job.headers, (status, body, _context, headers) =>
          recordOutcome(outcomes, status, body, headers),
        ),
        timeout: 10,
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = (performance.now() - started) / 1000;
        const [p50, p90, p99] = latencies.percentiles([50, 90, 99]);
        resolve({
          generator: "autocannon",
          sent: result.requests.sent,
          responses: latencies.count,
          ok,
          errors: result.errors + result.timeouts + (latencies.count - ok),
          statusCodes,
          outcomes,
          seconds,
          requestsPerSecond: ok / seconds,
          // NaN does not survive IPC's JSON; a run without responses reports 0 and errors instead.
          p50Ms: p50 || 0,
          p90Ms: p90 || 0,
          p99Ms: p99 || 0,
        });
      },
    );
    instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
      latencies.add(ms);
      statusCodes[status] = (statusCodes[status] ?? 0) + 1;
      if (status >= 200 && status < 300) ok++;
    });
  });
}

process.on("message", (job: LoadJob) => {
  runLoad(job).then(
    (result) => process.send?.({ id: job.id, result } satisfies LoadMessage),
    (error: unknown) => process.send?.({ id: job.id, error: error instanceof Error ? error.message : String(error) } satisfies LoadMessage),
  );
});
// The harness going away (crash included) ends this process too.
process.on("disconnect", () => process.exit(0));
