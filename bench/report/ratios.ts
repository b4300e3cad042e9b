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
  /** Against one SDK GET per request, same concurrency and gateway latency. */
  vsNaive: number | undefined;
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
      const peerScenario = scenarios.find((s) => s.id === cell.scenario)?.peer;
      const peer = peerScenario ? findCell(cells, peerScenario, cell.connections, cell.latencyMs) : undefined;
      const naive = cell.scenario === "naive" ? undefined : findCell(cells, "naive", cell.connections, cell.latencyMs);
      return {
        scenario: cell.scenario,
        connections: cell.connections,
        latencyMs: cell.latencyMs,
        vsLimit: ratio(cell, limit),
        p50OverLimitMs: limit ? cell.p50Ms.median - limit.p50Ms.median : undefined,
        vsNaive: ratio(cell, naive),
        peerScenario,
        vsPeer: ratio(cell, peer),
      };
    });
}
