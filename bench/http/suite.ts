import type { Fixture } from "./fixture.ts";
import type { LoadGeneratorName } from "./load-choice.ts";
import type { LoadGenerator } from "./load-client.ts";
import { measureRun } from "./measure.ts";
import { probe } from "./probe.ts";
import { RedisObserver } from "./redis-observer.ts";
import type { RunRecord } from "./run-types.ts";
import { SCENARIOS, type Scenario } from "./scenarios.ts";

export interface SuiteOptions {
  connections: readonly number[];
  /** Gateway latency of the slow-Redis repeat, ms. */
  latencyMs: number;
  reps: number;
  warmupSeconds: number;
  durationSeconds: number;
  mixedKeyCount: number;
  /** Scenario ids to run; all when empty. */
  only: readonly string[];
  load: LoadGeneratorName;
  log: (line: string) => void;
}

interface Cell {
  scenario: Scenario;
  connections: number;
  latencyMs: number;
}

/** Every (scenario, concurrency, latency) combination, in the order of the issue's list. */
export function suiteCells(options: Pick<SuiteOptions, "connections" | "latencyMs" | "only">): Cell[] {
  const chosen = SCENARIOS.filter((s) => options.only.length === 0 || options.only.includes(s.id));
  const cells: Cell[] = [];
  for (const latencyMs of [0, options.latencyMs]) {
    for (const scenario of chosen) {
      if (latencyMs > 0 && !scenario.withLatency) continue;
      for (const connections of options.connections) cells.push({ scenario, connections, latencyMs });
    }
  }
  return cells;
}

/**
 * Runs every cell `reps` times. Repetitions are rounds over all cells rather than back-to-back
 * runs of one cell: on a shared machine, a burst of someone else's work then lands on one run of
 * many cells, and the median of each cell drops it, instead of sinking every run of one cell.
 */
export async function runSuite(fixture: Fixture, load: LoadGenerator, options: SuiteOptions): Promise<RunRecord[]> {
  const cells = suiteCells(options);
  const redis = new RedisObserver(fixture.stack.redis.url, fixture.tenant);
  const records: RunRecord[] = [];
  try {
    for (const scenario of new Set(cells.map((c) => c.scenario))) {
      const target = fixture.targets[scenario.worker].worker;
      const headerReference = scenario.probe.sameHeaderNamesAs;
      await probe(
        scenario,
        scenario.plan(options),
        target.url,
        scenario.tenant === "prefixed" ? fixture.prefixedAuthorization : fixture.authorization,
        headerReference ? fixture.targets[headerReference].worker.url : undefined,
      );
    }
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const [index, cell] of cells.entries()) {
        const record = await measureRun(
          cell.scenario,
          cell.scenario.plan(options),
          {
            connections: cell.connections,
            latencyMs: cell.latencyMs,
            rep,
            warmupSeconds: options.warmupSeconds,
            durationSeconds: options.durationSeconds,
          },
          { fixture, load, redis },
        );
        records.push(record);
        const { load: result } = record;
        options.log(
          `[rep ${rep}/${options.reps}, ${index + 1}/${cells.length}] ${cell.scenario.id} c=${cell.connections}` +
            `${cell.latencyMs ? ` +${cell.latencyMs}ms` : ""}: ${Math.round(result.requestsPerSecond)} req/s, ` +
            `p50 ${result.p50Ms?.toFixed(2)} ms, p99 ${result.p99Ms?.toFixed(2)} ms, ` +
            `${(record.gatewayRequests / Math.max(1, result.sent)).toFixed(3)} gw req/op, ` +
            `${record.workerCpuMs === undefined ? "?" : Math.round((record.workerCpuMs * 1000) / Math.max(1, result.sent))} µs worker CPU/req, ` +
            `${record.redisCpuMs === undefined ? "?" : Math.round((record.redisCpuMs * 1000) / Math.max(1, result.sent))} µs Redis CPU/req, ` +
            `${result.errors} errors (${result.generator}) ${JSON.stringify(result.outcomes)}`,
        );
      }
    }
  } finally {
    await redis.close();
  }
  return records;
}
