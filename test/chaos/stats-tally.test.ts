import { describe, expect, it } from "vitest";
import { checkStatsNeverOverCount } from "../../bench/chaos/checks/stats-counts.ts";
import type { StatsSample } from "../../bench/chaos/samplers/stats-sampler.ts";
import { emptyTally, StatsTally } from "../../bench/chaos/traffic/stats-tally.ts";

describe("stats tally", () => {
  it("bounds a mid-flight answer by completed counts plus what in-flight requests could add", () => {
    const tally = new StatsTally();
    const finish = tally.begin("alpha", { sets: 1, memoryOnlyWrites: 1 });
    expect(tally.snapshot("alpha").inFlight.sets).toBe(1);
    finish({ sets: 1 });
    finish({ sets: 1 });
    const { completed, inFlight } = tally.snapshot("alpha");
    expect([completed.sets, completed.memoryOnlyWrites, inFlight.sets]).toEqual([1, 0, 0]);
  });

  it("fails when the worker counts more than could have happened, and reports exact counts at rest", () => {
    const sample = (sets: number, completedSets: number, inFlightSets: number): StatsSample => ({
      tenant: "alpha",
      phase: "p",
      at: 0,
      complete: true,
      counters: { ...emptyTally(), sets },
      completed: { ...emptyTally(), sets: completedSets },
      inFlight: { ...emptyTally(), sets: inFlightSets },
    });
    expect(checkStatsNeverOverCount([sample(5, 4, 1)], [sample(4, 4, 0)]).violations).toBe(0);
    expect(checkStatsNeverOverCount([sample(6, 4, 1)], []).violations).toBe(1);
    expect(checkStatsNeverOverCount([], [sample(5, 4, 0)]).violations).toBe(1);
  });
});
