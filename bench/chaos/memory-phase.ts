import { type FloodOptions, type FloodResult, runFlood } from "./flood.ts";
import type { HeapSampler } from "./samplers/heap-sampler.ts";
import { startPeriodic } from "./samplers/periodic.ts";
import { sampleStats } from "./samplers/stats-sampler.ts";
import type { Access, TrafficContext } from "./traffic/send.ts";

/**
 * The flood, with what the isolate retains measured once a second: two forced full collections,
 * then its heap usage. One request first, so the flood token's verification is fresh.
 */
export async function runMemoryPhase(
  ctx: TrafficContext,
  access: Access,
  heap: HeapSampler,
  workerdPid: number | undefined,
  options: FloodOptions,
): Promise<FloodResult> {
  await sampleStats(ctx, access);
  await heap.sample(true);
  ctx.journal.phase = "flood";
  const retained = startPeriodic(1000, () => heap.sample(true));
  const flood = await runFlood(ctx, access, workerdPid, options);
  await retained.stop();
  await heap.sample(true);
  return flood;
}
