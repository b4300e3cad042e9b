import { loadavg } from "node:os";
import { scriptSha } from "../../shared/redis/lua-script.ts";
import { resolveTokenScript } from "../../shared/tenants/registry-scripts.ts";
import type { Fixture } from "./fixture.ts";
import type { LoadGenerator } from "./load-client.ts";
import { processCpuMs } from "./process-cpu.ts";
import { callsSince, newMarkers, type RedisObserver } from "./redis-observer.ts";
import type { RequestPlan } from "./request-plan.ts";
import type { RunRecord } from "./run-types.ts";
import type { Scenario } from "./scenarios.ts";
import { settle } from "./settle.ts";

export interface RunSettings {
  connections: number;
  latencyMs: number;
  rep: number;
  warmupSeconds: number;
  durationSeconds: number;
}

/**
 * One run: faults set, a warm-up (its requests and gateway traffic discarded), counters reset,
 * then the measured load. Gateway requests, stats flushes and Redis commands are counted over the
 * measured part only, once the worker has finished what was in flight when the load stopped.
 */
export async function measureRun(
  scenario: Scenario,
  plan: RequestPlan,
  settings: RunSettings,
  deps: { fixture: Fixture; load: LoadGenerator; redis: RedisObserver },
): Promise<RunRecord> {
  const { worker, control } = deps.fixture.targets[scenario.worker];
  const authorization = scenario.tenant === "prefixed" ? deps.fixture.prefixedAuthorization : deps.fixture.authorization;
  const job = { url: worker.url, connections: settings.connections, plan, headers: { authorization } };
  if (settings.latencyMs > 0) {
    if (!control) throw new Error(`edge-cache bench: ${scenario.id} has no gateway scope to slow down`);
    await control.setFaults({ latencyMs: settings.latencyMs });
  }
  // Quiet for longer than a slowed gateway round trip (and its one retry) before counting.
  const quiet = { quietMs: 100 + 2 * settings.latencyMs, maxMs: 5000 };
  try {
    const warm = await deps.load.run({ ...job, durationSeconds: settings.warmupSeconds });
    await settle(control, quiet);
    // The measured run asks for a number of responses (about the duration at the warm-up's pace)
    // rather than a duration: a timed run ends with requests in flight whose Redis requests may
    // or may not have been made, which skews requests-per-operation on slow cells.
    const amount = Math.max(settings.connections * 4, Math.round((warm.ok / warm.seconds) * settings.durationSeconds));
    const loadBefore = loadavg()[0] as number;
    const markersBefore = scenario.edgeCache ? await deps.redis.flushMarkers() : undefined;
    const callsBefore = await deps.redis.commandCalls();
    await control?.resetCounters();
    const cpuBefore = processCpuMs(worker.pid);
    const redisCpuBefore = processCpuMs(deps.fixture.stack.redis.pid);
    const load = await deps.load.run({ ...job, amount, durationSeconds: settings.durationSeconds });
    await settle(control, quiet);
    const cpuAfter = processCpuMs(worker.pid);
    const redisCpuAfter = processCpuMs(deps.fixture.stack.redis.pid);
    const counters = await control?.counters();
    const redisCalls = callsSince(callsBefore, await deps.redis.commandCalls());
    const statsFlushes = markersBefore ? newMarkers(markersBefore, await deps.redis.flushMarkers()) : 0;
    return {
      scenario: scenario.id,
      edgeCache: scenario.edgeCache,
      connections: settings.connections,
      latencyMs: settings.latencyMs,
      rep: settings.rep,
      load,
      gatewayRequests: counters?.requests.total ?? 0,
      gatewayCommands: counters?.commands.byName ?? {},
      tokenChecks: counters?.commands.byScript[await scriptSha(resolveTokenScript)] ?? 0,
      statsFlushes,
      redisCalls,
      workerCpuMs: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
      redisCpuMs: redisCpuBefore === undefined || redisCpuAfter === undefined ? undefined : redisCpuAfter - redisCpuBefore,
      loadAverage: [loadBefore, loadavg()[0] as number],
    };
  } finally {
    if (settings.latencyMs > 0) await control?.clearFaults();
  }
}
