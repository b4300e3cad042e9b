import { setTimeout as sleep } from "node:timers/promises";
import { VALUE } from "../../workers/value.ts";
import type { PacedJob, PacedResult } from "../load/paced-types.ts";
import { WrkLoad } from "../load/wrk-load.ts";
import type { ScaleOptions } from "../options.ts";
import { type SeedTiming, seedTenants } from "../seed/seed-tenants.ts";
import type { SeededTenant } from "../seed/tenant-fixture.ts";
import { startScaleStack } from "../stack/scale-stack.ts";
import type { WorkerRole } from "../stack/scale-worker.ts";
import { FLOOD_STREAMS, type FloodResult, type FloodStream, flood } from "./flood.ts";
import { counted, type HealthSamples, readHealth, sampleHealthWhile, warmChunksDuring } from "./noisy-observers.ts";
import { CONTENT_TYPE, createNoisyTenants, LONG_TTL_QUERY, STEADY_KEY_PREFIX, STEADY_KEYS } from "./noisy-tenants.ts";

/** Tenant B's client id (CF-Connecting-IP), apart from the flood's. */
const STEADY_CLIENT = "198.51.100.20";
const STEADY_CONNECTIONS = 8;
const PUT_SHARE = 0.2;
/** The flood starts this long before B's measured run and ends about as long after it. */
const FLOOD_LEAD_SECONDS = 1;

export interface NoisyRound {
  solo: PacedResult;
  flood: { steady: PacedResult; flooder: FloodResult; startedAt: number; endedAt: number; health: HealthSamples };
  /** Gateway requests per role during each run (its own scope each). */
  gateway: { solo: Record<WorkerRole, number>; flood: Record<WorkerRole, number> };
}

export interface NoisyResults {
  tenants: number;
  seeding: SeedTiming;
  tickRole: "cron" | "cronQueue";
  steadyRate: number;
  seconds: number;
  rounds: NoisyRound[];
  /** B beside one of A's streams at a time, after the rounds: which part of the flood costs B what. */
  attribution: { stream: FloodStream; steady: PacedResult; flooder: FloodResult }[];
  /** What /health said after the last flood. */
  health: { status: string; circuit: string };
  /** Warm plan chunks cron ran during the floods, per tenant; and the ticks that found B's plan due. */
  warmDuringFloods: { flooderChunks: number; steadyChunks: number; steadyDueTicks: number };
}

/**
 * The noisy-neighbour scenario on a stack of its own: about 100 tenants, tenant B sending steady
 * GET/PUT traffic alone, then while tenant A floods; alternating rounds, so a burst of other work
 * on the machine lands on one run, not on every run of one kind.
 */
export async function runNoisyNeighbour(repoRoot: string, scriptPath: string, options: ScaleOptions, log: (line: string) => void) {
  const { noisy } = options;
  // Production defaults but quieter logs: a line per request at this rate would be the harness's work.
  // The worker's own error lines (a flooder's request that hit a deadline, say) are not the report's.
  const stack = await startScaleStack(repoRoot, { scriptPath, vars: { LOG_LEVEL: "warn" }, onLogLine: () => {} });
  const load = new WrkLoad();
  load.prepare({ value: VALUE });
  try {
    log(`noisy neighbour: seeding ${noisy.tenants} tenants`);
    const seeded: SeededTenant[] = [];
    const seeding = await seedTenants(
      {
        workerUrl: stack.worker.url,
        adminToken: stack.adminToken,
        origin: stack.origin,
        from: 0,
        to: noisy.tenants,
        concurrency: options.seedConcurrency,
      },
      seeded,
    );
    const tokens = await createNoisyTenants({
      workerUrl: stack.worker.url,
      adminToken: stack.adminToken,
      origin: stack.origin,
      flooderRatePerSecond: noisy.flood.rateLimitPerSecond,
    });
    const tickRole = stack.worker.hasQueue ? "cronQueue" : "cron";
    const steadyJob = (durationSeconds: number, seed: number): PacedJob => ({
      url: stack.worker.url,
      connections: STEADY_CONNECTIONS,
      ratePerSecond: noisy.steadyRate,
      durationSeconds,
      plan: {
        kind: "steady-mix",
        keyPrefix: STEADY_KEY_PREFIX,
        keyCount: STEADY_KEYS,
        putShare: PUT_SHARE,
        seed,
        body: VALUE,
        contentType: CONTENT_TYPE,
        putQuery: LONG_TTL_QUERY,
      },
      headers: { authorization: `Bearer ${tokens.steadyToken}`, "cf-connecting-ip": STEADY_CLIENT },
    });
    // Unmeasured: B's token verified and its keys in L1 before the first solo run.
    await load.run(steadyJob(2, 1));

    const floodWith = async (seed: number, streams?: readonly FloodStream[]) => {
      const flooding = flood({
        load,
        worker: stack.worker,
        tickRole,
        flooderToken: tokens.flooderToken,
        limitedToken: tokens.limitedToken,
        rates: noisy.flood,
        seconds: noisy.seconds + 2 * FLOOD_LEAD_SECONDS,
        ...(streams ? { streams } : {}),
      });
      await sleep(FLOOD_LEAD_SECONDS * 1000);
      const steady = await load.run(steadyJob(noisy.seconds, seed));
      return { steady, flooder: await flooding };
    };

    const rounds: NoisyRound[] = [];
    for (let round = 0; round < noisy.rounds; round++) {
      const solo = await counted(stack, () => load.run(steadyJob(noisy.seconds, 100 + round)));
      log(`  round ${round + 1} B alone: ${describe(solo.value)}`);
      const startedAt = Date.now();
      const flooded = await counted(stack, () => sampleHealthWhile(stack.worker.url, floodWith(200 + round)));
      const endedAt = Date.now();
      log(`  round ${round + 1} B during A's flood: ${describe(flooded.value.value.steady)}`);
      rounds.push({
        solo: solo.value,
        flood: { ...flooded.value.value, startedAt, endedAt, health: flooded.value.health },
        gateway: { solo: solo.requests, flood: flooded.requests },
      });
    }
    // Read before the attribution runs: the breaker as the full floods left it.
    const health = await readHealth(stack.worker.url);
    const attribution: NoisyResults["attribution"] = [];
    if (noisy.attribution)
      for (const stream of FLOOD_STREAMS) {
        const run = await floodWith(300 + attribution.length, [stream]);
        log(`  B beside A's ${stream} alone: ${describe(run.steady)}`);
        attribution.push({ stream, ...run });
      }
    const warmDuringFloods = await warmChunksDuring(
      stack.worker.url,
      tokens,
      rounds.map((r) => ({ ticksAt: r.flood.flooder.ticks?.at ?? [], endedAt: r.flood.endedAt })),
    );
    return {
      tenants: noisy.tenants + 2,
      seeding,
      tickRole,
      steadyRate: noisy.steadyRate,
      seconds: noisy.seconds,
      rounds,
      attribution,
      health,
      warmDuringFloods,
    } satisfies NoisyResults;
  } finally {
    load.dispose();
    await stack.stop();
  }
}

function describe(result: PacedResult): string {
  return `${result.responses} responses (${result.ok} 2xx) at ${result.achievedRate.toFixed(0)}/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`;
}
