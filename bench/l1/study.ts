/**
 * L1 hit-ratio study: the service's SieveCache against LRU, S3-FIFO, W-TinyLFU and Belady's OPT
 * on seeded synthetic traces. `npx tsx bench/l1/study.ts` writes bench/results/l1-study-<date>.json
 * and bench/L1-RESULTS.md; `--quick` is a smoke run on a small trace that writes nothing and
 * fails unless every scenario ran and every ratio lies in [0, 1].
 */
import { nextUses } from "./belady.ts";
import { describeEnvironment } from "./environment.ts";
import { measureScenario } from "./measure-scenario.ts";
import { ONLINE_POLICIES } from "./policies.ts";
import type { HitRatioSection, Scenario } from "./results.ts";
import { readResults, todaysResultsPath, writeResults } from "./results-file.ts";
import { seedSpread } from "./stability.ts";
import { buildTrace, type Workload } from "./traces.ts";
import { judge, points, TARGET } from "./verdicts.ts";

const quick = process.argv.includes("--quick");
const config = quick ? { keyCount: 10_000, requests: 100_000, rounds: 1 } : { keyCount: 100_000, requests: 1_000_000, rounds: 5 };
// Ratios are reported after a warm-up of 10% of the trace: a cold cache's compulsory misses say
// nothing about the policy. The JSON also keeps the ratios with the warm-up included.
const warmup = Math.round(config.requests * 0.1);
const SCAN_LENGTH = 100;

const PLAN: readonly { workload: Workload; seed: number; cacheShares: readonly number[] }[] = [
  { workload: { id: "zipf-0.8", label: "Zipf 0.8", alpha: 0.8 }, seed: 0x5eed08, cacheShares: [0.001, 0.01, 0.1] },
  { workload: { id: "zipf-1.0", label: "Zipf 1.0", alpha: 1.0 }, seed: 0x5eed10, cacheShares: [0.001, 0.01, 0.1] },
  { workload: { id: "zipf-1.2", label: "Zipf 1.2", alpha: 1.2 }, seed: 0x5eed12, cacheShares: [0.001, 0.01, 0.1] },
  {
    workload: { id: "zipf-0.9-scan", label: "Zipf 0.9 + 20% one-off scans", alpha: 0.9, scanShare: 0.2 },
    seed: 0x5eed09,
    cacheShares: [0.01, 0.1],
  },
];

const percent = (ratio: number | undefined) => (ratio === undefined ? "-" : `${(ratio * 100).toFixed(1)}%`);

const scenarios: Scenario[] = [];
for (const { workload, seed, cacheShares } of PLAN) {
  const trace = buildTrace(workload, { keyCount: config.keyCount, length: config.requests, seed, scanLength: SCAN_LENGTH });
  const next = nextUses(trace.ids, trace.keys.length);
  for (const cacheShare of cacheShares) {
    const capacity = Math.round(config.keyCount * cacheShare);
    const policies = measureScenario({ trace, next, capacity, warmup, rounds: config.rounds });
    const sieveMinusLruPoints = points(policies.SIEVE?.hitRatio ?? Number.NaN, policies.LRU?.hitRatio ?? Number.NaN);
    scenarios.push({ workload: workload.id, label: workload.label, cacheShare, capacity, policies, sieveMinusLruPoints });
    const row = Object.entries(policies).map(([name, result]) => `${name} ${percent(result.hitRatio)}`);
    console.log(`${workload.label}, ${cacheShare * 100}% (${capacity}): ${row.join(", ")}`);
  }
}

const expectedPolicies = [...ONLINE_POLICIES.map((p) => p.name), "OPT", "OPT (no bypass)"];
const expectedScenarios = PLAN.reduce((n, p) => n + p.cacheShares.length, 0);
const problems = scenarios.flatMap((s) =>
  expectedPolicies
    .filter((name) => {
      const result = s.policies[name];
      return !result || !(result.hitRatio >= 0 && result.hitRatio <= 1);
    })
    .map((name) => `${s.workload} ${s.cacheShare}: ${name} missing or out of [0, 1]`),
);
if (scenarios.length !== expectedScenarios) problems.push(`${scenarios.length} of ${expectedScenarios} scenarios ran`);
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}

const verdicts = judge(scenarios, ["S3-FIFO", "W-TinyLFU"]);
const targetPlan = PLAN.find((p) => p.workload.id === TARGET.workload);
if (!targetPlan) throw new Error(`edge-cache bench: no workload ${TARGET.workload} in the plan`);
const spread = seedSpread(targetPlan.workload, {
  keyCount: config.keyCount,
  requests: config.requests,
  warmup,
  capacity: Math.round(config.keyCount * TARGET.cacheShare),
  seeds: [1, 2, 3],
});
console.log(JSON.stringify(verdicts, null, 2));
if (quick) {
  console.log(`quick: ${scenarios.length} scenarios x ${expectedPolicies.length} policies ran, all ratios in [0, 1]`);
} else {
  const section: HitRatioSection = {
    measuredAt: new Date().toISOString(),
    method: {
      keyCount: config.keyCount,
      requests: config.requests,
      warmupRequests: warmup,
      scanLength: SCAN_LENGTH,
      rounds: config.rounds,
      seeds: Object.fromEntries(PLAN.map((p) => [p.workload.id, p.seed])),
    },
    scenarios,
    seedSpread: { scenario: verdicts.targetScenario, ...spread },
    verdicts,
  };
  const path = todaysResultsPath();
  writeResults(path, { ...readResults(path), environment: describeEnvironment(), hitRatio: section });
  console.log(`wrote ${path} and bench/L1-RESULTS.md`);
}
