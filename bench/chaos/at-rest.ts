import { setTimeout as sleep } from "node:timers/promises";
import { type StatsSample, sampleStats } from "./samplers/stats-sampler.ts";
import type { Access, TrafficContext } from "./traffic/send.ts";

/**
 * Once traffic has stopped, every count the isolate holds reaches Redis (a /v1 request after the
 * flush interval triggers the flush), then each tenant's stats are read: they must now equal the
 * client's tally exactly.
 */
export async function readStatsAtRest(ctx: TrafficContext, tenants: readonly Access[], flushIntervalMs: number): Promise<StatsSample[]> {
  await sleep(flushIntervalMs + 300);
  for (const access of tenants) await sampleStats(ctx, access);
  await sleep(1000);
  const samples: StatsSample[] = [];
  for (const access of tenants) {
    const sample = await sampleStats(ctx, access);
    if (sample) samples.push(sample);
  }
  return samples;
}
