import type { Scenario } from "../http/scenarios.ts";
import type { CellSummary } from "../http/summary.ts";

/** One cell against the baselines, by median req/s (and p50 against the bare route). */
export interface Ratio {
  scenario: string;
  connections: number;
  latencyMs: number;
  /** Against the bare route at the same concurrency (it has no Redis to slow down). */
  vsLimit: number | undefined;
  p50OverLimitMs: number | undefined;
  /** Against the hand-written SDK calls doing the same work (one GET, SET or MGET), same concurrency and gateway latency. */
  vsNaive: number | undefined;
  /** That hand-written scenario, where it is not the one GET (`naive`). */
  naiveScenario?: string | undefined;
  /** Against the peer scenario doing the same work, where there is one. */
  peerScenario: string | undefined;
  vsPeer: number | undefined;
}

export function findCell(cells: readonly CellSummary[], scenario: string, connections: number, latencyMs: number): CellSummary | undefined {
  return cells.find((c) => c.scenario === scenario && c.connections === connections && c.latencyMs === latencyMs);
}

const ratio = (a: CellSummary | undefined, b: CellSummary | undefined) =>
  a && b && b.requestsPerSecond.median > 0 ? a.requestsPerSecond.median / b.requestsPerSecond.median : undefined;

export function computeRatios(cells: readonly CellSummary[], scenarios: readonly Scenario[]): Ratio[] {
  return cells
    .filter((cell) => cell.scenario !== "limit")
    .map((cell) => {
      const limit = findCell(cells, "limit", cell.connections, 0);
      const scenario = scenarios.find((s) => s.id === cell.scenario);
      const peerScenario = scenario?.peer;
      const peer = peerScenario ? findCell(cells, peerScenario, cell.connections, cell.latencyMs) : undefined;
      const naive =
        scenario?.worker === "naive" ? undefined : findCell(cells, scenario?.naive ?? "naive", cell.connections, cell.latencyMs);
      return {
        scenario: cell.scenario,
        connections: cell.connections,
        latencyMs: cell.latencyMs,
        vsLimit: ratio(cell, limit),
        p50OverLimitMs: limit ? cell.p50Ms.median - limit.p50Ms.median : undefined,
        vsNaive: ratio(cell, naive),
        naiveScenario: scenario?.naive,
        peerScenario,
        vsPeer: ratio(cell, peer),
      };
    });
}
