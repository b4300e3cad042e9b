import { type Deployment, startDeployment } from "./cost/deployment.ts";
import { measureColdRequests } from "./measure/cold-requests.ts";
import { addSamples, type OperationId, type SizeSamples } from "./measure/operations.ts";
import { rotated } from "./measure/rotated.ts";
import { type DrainRecord, measureTicks } from "./measure/tick-phase.ts";
import type { ScaleOptions } from "./options.ts";
import type { SeedTiming } from "./seed/seed-tenants.ts";

export interface SizeResult {
  tenants: number;
  /** Seeding this deployment's tenants through the admin API. */
  seeding: SeedTiming;
  samples: SizeSamples;
  drains: DrainRecord[];
}

export interface CostSuiteResult {
  /** Whether wrangler.toml declares a queue, so ticks were also measured with its binding. */
  queue: boolean;
  sizes: SizeResult[];
}

/**
 * One deployment per size (10, 1,000 and 10,000 tenants), all running at once, measured in turn:
 * each repetition measures every size (starting from a different one each time) before the next
 * begins, so a burst of other work on the machine lands on one repetition of every size rather
 * than on every repetition of one size.
 * What a request or a tick costs must not depend on how many tenants, tokens and plans exist
 * besides the ones it serves.
 */
export async function runCostSuite(
  repoRoot: string,
  scriptPath: string,
  options: ScaleOptions,
  log: (line: string) => void,
): Promise<CostSuiteResult> {
  const deployments: Deployment[] = [];
  try {
    for (const tenants of options.sizes) {
      const deployment = await startDeployment(repoRoot, {
        scriptPath,
        tenants,
        seedConcurrency: options.seedConcurrency,
        dataSamples: options.dataSamples,
      });
      deployments.push(deployment);
      const { seeding } = deployment;
      log(
        `${tenants} tenants seeded in ${seeding.seconds.toFixed(1)} s (${(seeding.requests / seeding.seconds).toFixed(0)} requests/s); worker at ${deployment.stack.worker.url}`,
      );
    }
    const samples = new Map<Deployment, SizeSamples>(deployments.map((d) => [d, {}]));
    for (let rep = 0; rep < options.reps; rep++) {
      for (const d of rotated(deployments, rep)) {
        const context = { stack: d.stack, meter: d.meter, tenants: d.seeded, dataSamples: options.dataSamples };
        merge(samples.get(d) as SizeSamples, await measureColdRequests(context, d.tenants, options.reps, rep));
      }
      log(`cold requests: repetition ${rep + 1} of ${options.reps} done at every size`);
    }
    const ticks = await measureTicks(deployments, { reps: options.reps, dueReps: options.dueTickReps, log });
    const sizes = deployments.map((d): SizeResult => {
      const own = samples.get(d) as SizeSamples;
      const tick = ticks.get(d);
      merge(own, tick?.samples ?? {});
      log(summaryLine(d.tenants, own));
      return { tenants: d.tenants, seeding: d.seeding, samples: own, drains: tick?.drains ?? [] };
    });
    return { queue: deployments[0]?.stack.worker.hasQueue ?? false, sizes };
  } finally {
    for (const d of deployments) await d.stop();
  }
}

function merge(into: SizeSamples, from: SizeSamples): void {
  for (const [id, samples] of Object.entries(from) as [OperationId, SizeSamples[OperationId]][]) addSamples(into, id, samples ?? []);
}

function summaryLine(tenants: number, samples: SizeSamples): string {
  const counts = Object.entries(samples).map(([id, list]) => `${id} ${[...new Set((list ?? []).map((s) => s.requests))].join("/")}`);
  return `${tenants} tenants, gateway requests: ${counts.join(", ")}`;
}
