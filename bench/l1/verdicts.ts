import { median } from "./median.ts";
import type { Scenario, SwitchVerdict, Verdicts } from "./results.ts";

/** The project's target for the L1: SIEVE at least 8 points above LRU at Zipf 1.0 with a 1% cache. */
export const TARGET = { workload: "zipf-1.0", cacheShare: 0.01, gainPoints: 8 } as const;

/**
 * What an alternative must show to be worth replacing SIEVE: a real gain on average, no scenario
 * notably worse, and no big loss of speed (SIEVE's hit path is a flag write; the others move
 * nodes or update a sketch on every access).
 */
export const SWITCH_RULE = { meanGainPoints: 1, worstGainPoints: -1, speedRatio: 0.9 } as const;

export const points = (a: number, b: number) => Math.round((a - b) * 1000) / 10;

function ratioOf(scenario: Scenario, policy: string): number {
  return scenario.policies[policy]?.hitRatio ?? Number.NaN;
}

export function judge(scenarios: readonly Scenario[], alternatives: readonly string[]): Verdicts {
  const target = scenarios.find((s) => s.workload === TARGET.workload && s.cacheShare === TARGET.cacheShare);
  const targetGainPoints = target ? target.sieveMinusLruPoints : Number.NaN;
  const switches = alternatives.map((policy): SwitchVerdict => {
    const gains = scenarios.map((s) => points(ratioOf(s, policy), ratioOf(s, "SIEVE")));
    const speeds = scenarios.map((s) => (s.policies[policy]?.opsPerSecond ?? Number.NaN) / (s.policies.SIEVE?.opsPerSecond ?? Number.NaN));
    const meanGainPoints = Math.round((gains.reduce((a, b) => a + b, 0) / gains.length) * 10) / 10;
    const worstGainPoints = Math.min(...gains);
    const speedRatio = Math.round(median(speeds) * 100) / 100;
    const earnsSwitch =
      meanGainPoints >= SWITCH_RULE.meanGainPoints &&
      worstGainPoints >= SWITCH_RULE.worstGainPoints &&
      speedRatio >= SWITCH_RULE.speedRatio;
    return { policy, meanGainPoints, worstGainPoints, speedRatio, earnsSwitch };
  });
  return {
    sieveAtLeastLruEverywhere: scenarios.every((s) => ratioOf(s, "SIEVE") >= ratioOf(s, "LRU")),
    targetScenario: `${TARGET.workload} at ${TARGET.cacheShare * 100}%`,
    targetGainPoints,
    targetMet: targetGainPoints >= TARGET.gainPoints,
    switches,
  };
}
