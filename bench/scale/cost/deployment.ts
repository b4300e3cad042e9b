import { RedisObserver } from "../../http/redis-observer.ts";
import { measureColdRequests } from "../measure/cold-requests.ts";
import { type CostMeter, createCostMeter } from "../measure/cost.ts";
import { type SeedTiming, seedTenants } from "../seed/seed-tenants.ts";
import type { SeededTenant } from "../seed/tenant-fixture.ts";
import { TickLogTap } from "../stack/log-tap.ts";
import { type ScaleStack, startScaleStack } from "../stack/scale-stack.ts";

/** One deployment of a given size: its own Redis, gateway, worker and tenants. */
export interface Deployment {
  tenants: number;
  stack: ScaleStack;
  meter: CostMeter;
  tap: TickLogTap;
  seeded: SeededTenant[];
  seeding: SeedTiming;
  stop(): Promise<void>;
}

/**
 * The worker's settings for the cost suite, over wrangler.toml's: stats flushes out of the way
 * (one per hour, so none lands inside a measured operation; their cost per request is
 * bench/RESULTS.md's subject), and info logs, whose cron tick summaries the report keeps.
 */
export const COST_VARS = { STATS_FLUSH_INTERVAL_MS: "3600000", LOG_LEVEL: "info" };

export interface DeploymentOptions {
  scriptPath: string;
  tenants: number;
  seedConcurrency: number;
  /** GETs and PUTs per repetition, for the unmeasured first pass. */
  dataSamples: number;
}

/**
 * Starts a deployment and seeds its tenants through the admin API; then one unmeasured pass of
 * every request loads every script into this Redis's script cache, so a first EVALSHA's NOSCRIPT
 * fallback (a second request, once per Redis) is never counted.
 */
export async function startDeployment(repoRoot: string, options: DeploymentOptions): Promise<Deployment> {
  const tap = new TickLogTap();
  const stack = await startScaleStack(repoRoot, { scriptPath: options.scriptPath, vars: COST_VARS, onLogLine: tap.onLine });
  const observer = new RedisObserver(stack.local.redis.url, "scale");
  const stop = async () => {
    await observer.close();
    await stack.stop();
  };
  try {
    const meter = createCostMeter(observer);
    const seeded: SeededTenant[] = [];
    const seeding = await seedTenants(
      {
        workerUrl: stack.worker.url,
        adminToken: stack.adminToken,
        origin: stack.origin,
        from: 0,
        to: options.tenants,
        concurrency: options.seedConcurrency,
      },
      seeded,
    );
    const primer = { stack, meter, tenants: seeded, dataSamples: options.dataSamples, freshIsolates: false };
    await measureColdRequests(primer, options.tenants, 1, 0);
    return { tenants: options.tenants, stack, meter, tap, seeded, seeding, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
