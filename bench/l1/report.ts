import type { HitRatioSection, L1Results, MemorySection } from "./results.ts";
import { SWITCH_RULE, TARGET } from "./verdicts.ts";

const TABLE_POLICIES = ["LRU", "SIEVE", "S3-FIFO", "W-TinyLFU", "OPT"];
const MEMORY_TARGET = 0.25;

const pct = (ratio: number | undefined) => (ratio === undefined ? "-" : `${(ratio * 100).toFixed(1)}%`);
const signed = (value: number) => `${value >= 0 ? "+" : ""}${value.toFixed(1)}`;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const yes = (value: boolean) => (value ? "**yes**" : "**no**");

function hitRatioSection(section: HitRatioSection): string[] {
  const { method, scenarios, verdicts, seedSpread } = section;
  const spread = Object.entries(seedSpread.ranges).map(([name, r]) => `${name} ${pct(r.min)}-${pct(r.max)}`);
  const rows = scenarios.map((s) => {
    const cells = TABLE_POLICIES.map((name) => pct(s.policies[name]?.hitRatio));
    return `| ${s.label} | ${s.cacheShare * 100}% (${s.capacity}) | ${cells.join(" | ")} | ${signed(s.sieveMinusLruPoints)} |`;
  });
  const speedRows = scenarios.map((s) => {
    const cells = TABLE_POLICIES.slice(0, 4).map((name) => ((s.policies[name]?.opsPerSecond ?? Number.NaN) / 1e6).toFixed(2));
    return `| ${s.label} | ${s.cacheShare * 100}% | ${cells.join(" | ")} |`;
  });
  const switches = verdicts.switches.map(
    (v) =>
      `- **${v.policy}**: ${signed(v.meanGainPoints)} points over SIEVE on average (worst scenario ${signed(v.worstGainPoints)}), ` +
      `${v.speedRatio.toFixed(2)}x SIEVE's ops/s (median over scenarios). Earns a switch: ${yes(v.earnsSwitch)}` +
      (v.meanGainPoints < SWITCH_RULE.meanGainPoints ? ", on hit ratio alone." : "."),
  );
  return [
    "## Hit ratios",
    "",
    `Synthetic traces from a seeded generator (sfc32): ${method.requests.toLocaleString("en")} requests over ` +
      `${method.keyCount.toLocaleString("en")} Zipf-distributed keys; the scan mix interleaves bursts of ${method.scanLength} ` +
      "never-repeated keys making up 20% of requests. Every entry weighs 1 byte, so a cache size is an entry count " +
      "(a share of the Zipf key count). Each request is a `get`, followed on a miss by a `set` (demand fill). " +
      `Ratios exclude the first ${method.warmupRequests.toLocaleString("en")} requests (warm-up); the JSON also has them with the warm-up included. ` +
      "SIEVE is the service's own `SieveCache`. OPT is Belady's offline optimum with bypass (a miss need not be cached); " +
      "the JSON also has it without bypass.",
    "",
    `| Workload | Cache | ${TABLE_POLICIES.join(" | ")} | SIEVE − LRU (points) |`,
    `|---|---|${"---|".repeat(TABLE_POLICIES.length)}---|`,
    ...rows,
    "",
    `- SIEVE ≥ LRU at every point: ${yes(verdicts.sieveAtLeastLruEverywhere)}.`,
    `- Target, SIEVE ≥ LRU + ${TARGET.gainPoints} points at ${verdicts.targetScenario}: ${yes(verdicts.targetMet)} ` +
      `(${signed(verdicts.targetGainPoints)} points).`,
    `- Seed noise: ${seedSpread.scenario} replayed with seeds ${seedSpread.seeds.join(", ")} gives ${spread.join(", ")}; ` +
      "differences between policies within that spread are noise of the synthetic trace.",
    "",
    "## Throughput",
    "",
    `Million operations (gets + sets) per second replaying each whole trace; median of ${method.rounds} runs, ` +
      "policy order rotated between runs, so load from other processes hits every policy alike: compare within a row, " +
      "since absolute numbers move between runs on a shared machine. OPT is offline and not timed.",
    "",
    `| Workload | Cache | ${TABLE_POLICIES.slice(0, 4).join(" | ")} |`,
    "|---|---|---|---|---|---|",
    ...speedRows,
    "",
    "## Would another policy earn a switch?",
    "",
    `Rule: at least ${signed(SWITCH_RULE.meanGainPoints)} points over SIEVE on average, no scenario below ` +
      `${signed(SWITCH_RULE.worstGainPoints)}, and at least ${SWITCH_RULE.speedRatio}x SIEVE's ops/s.`,
    "",
    ...switches,
    "",
    "The S3-FIFO and W-TinyLFU here are small implementations written for this study, not tuned ones: their ops/s are " +
      "indicative. SIEVE's hit path only sets a flag; LRU moves a node; W-TinyLFU also hashes the key into a sketch.",
    "",
  ];
}

function memorySection(section: MemorySection): string[] {
  const rows = section.rows.map(
    (r) =>
      `| ${r.valueBytes.toLocaleString("en")} B | ${r.entries.toLocaleString("en")} | ${kib(r.accountedBytes)} | ${kib(r.measuredBytes)} | ` +
      `${r.ratio.toFixed(2)} | ${Math.round(r.accountedPerEntry)} B | ${Math.round(r.measuredPerEntry)} B |`,
  );
  const within = section.rows.every((r) => Math.abs(r.ratio - 1) <= MEMORY_TARGET);
  return [
    "## L1 memory accounting",
    "",
    section.method,
    "",
    "| Value size | Entries | Accounted (`usage().bytes`) | Measured heap growth | Accounted / measured | Accounted per entry | Measured per entry |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `- Accounting within ${MEMORY_TARGET * 100}% of measured at every size: ${yes(within)}.`,
    ...(section.suggestion ? [`- ${section.suggestion}`] : []),
    "",
  ];
}

/** L1-RESULTS.md, rendered from the results JSON only. */
export function renderReport(results: L1Results, jsonName: string): string {
  const env = results.environment;
  return [
    "# L1 results",
    "",
    `Generated from \`bench/results/${jsonName}\` by \`npx tsx bench/l1/study.ts\` (hit ratios, throughput) and ` +
      "`npx tsx bench/l1/memory.ts` (memory). Do not edit by hand: rerun them.",
    "",
    `Machine: ${env.cpu}, ${env.cpus} cores, ${env.platform}; Node ${env.node} (V8 ${env.v8}).`,
    "",
    ...(results.hitRatio ? hitRatioSection(results.hitRatio) : []),
    ...(results.memory ? memorySection(results.memory) : []),
  ].join("\n");
}
