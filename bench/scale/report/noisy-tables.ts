import type { NoisyResults } from "../noisy/noisy-run.ts";
import type { NoisyVerdicts, StreamTotals } from "./noisy-verdicts.ts";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => n.toFixed(2);
const pct = (part: number, whole: number) =>
  whole === 0 ? "-" : `${((part / whole) * 100).toFixed(part === whole ? 0 : part / whole >= 0.99 ? 3 : 1)}%`;
const listed = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([, a], [, b]) => b - a)
    .map(([answer, n]) => `${answer}: ${int(n)}`)
    .join(", ") || "-";

const STREAM_NAMES: Record<string, string> = {
  oversizedBatches: "batches of 8 × 1 MiB binary values",
  fakeTokens: "made-up tokens from one client",
  overRateLimit: "10× a token's rate limit",
  ticks: "max-priority plans due at every tick",
};

/** Tenant B alone and under the flood, each row a run. */
export function steadyTable(results: NoisyResults): string[] {
  const row = (round: number, phase: string, r: NoisyResults["rounds"][number]["solo"]) =>
    `| ${round} | ${phase} | ${int(r.sent)} | ${r.achievedRate.toFixed(0)} | ${pct(r.ok, r.sent)} | ${ms(r.p50Ms)} | ${ms(r.p90Ms)} | ${ms(r.p99Ms)} | ${ms(r.maxMs)} | ${listed(r.answers)} |`;
  return [
    "| round | B's run | sent | answers/s | 2xx | p50 ms | p90 ms | p99 ms | max ms | answers |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...results.rounds.flatMap((r, i) => [row(i + 1, "alone", r.solo), row(i + 1, "during A's flood", r.flood.steady)]),
  ];
}

export function flooderTable(verdicts: NoisyVerdicts): string[] {
  const row = (what: string, totals: StreamTotals) =>
    `| ${what} | ${int(totals.sent)} | ${totals.achievedRate.toFixed(1)} | ${listed(totals.answers)} | ${listed(totals.outcomes ?? {})} |`;
  return [
    "| A's stream | sent | answers/s | answers | outcomes (a batch's sets, X-Cache) |",
    "|---|---|---|---|---|",
    row(STREAM_NAMES.oversizedBatches as string, verdicts.flooder.oversizedBatches),
    row(STREAM_NAMES.fakeTokens as string, verdicts.flooder.fakeTokens),
    row(STREAM_NAMES.overRateLimit as string, verdicts.flooder.overRateLimit),
  ];
}

/** B's run beside one of A's streams at a time. */
export function attributionTable(verdicts: NoisyVerdicts): string[] {
  if (verdicts.attribution.length === 0) return [];
  return [
    "| B beside A's … alone | B's 2xx | p50 ms | p99 ms | p99 × B alone |",
    "|---|---|---|---|---|",
    ...verdicts.attribution.map(
      (a) =>
        `| ${STREAM_NAMES[a.stream] ?? a.stream} | ${pct(a.ok, a.sent)} | ${ms(a.p50Ms)} | ${ms(a.p99Ms)} | ${a.p99Ratio.toFixed(2)}× |`,
    ),
    "",
  ];
}

export function gatewayTable(verdicts: NoisyVerdicts): string[] {
  const roles = Object.keys(verdicts.gatewayPerSecond.solo) as (keyof NoisyVerdicts["gatewayPerSecond"]["solo"])[];
  const names: Record<string, string> = {
    edge: "serving isolate",
    cron: "cron (no queue)",
    cronQueue: "cron (queue producer)",
    consumer: "queue consumer",
  };
  return [
    "| role | gateway requests/s, B alone | during A's flood |",
    "|---|---|---|",
    ...roles.map(
      (role) =>
        `| ${names[role] ?? role} | ${verdicts.gatewayPerSecond.solo[role].toFixed(1)} | ${verdicts.gatewayPerSecond.flood[role].toFixed(1)} |`,
    ),
  ];
}

export function noisyVerdictLines(results: NoisyResults, verdicts: NoisyVerdicts, p99Target: number): string[] {
  const met = (ok: boolean) => (ok ? "**met**" : "**not met**");
  const f = verdicts.flood;
  const costliest = [...verdicts.attribution].sort((a, b) => b.p99Ratio - a.p99Ratio)[0];
  return [
    `- B's success rate during the floods: ${pct(f.ok - f.degraded, f.sent)} served normally (${int(f.ok)} of ${int(f.sent)} requests answered 2xx, ${f.degraded === 0 ? "none of them degraded" : `${int(f.degraded)} of them degraded: ${listed(f.degradedOutcomes)}`}; ${int(f.failures)} socket errors or timeouts). Target 100% (2xx, not degraded): ${met(verdicts.steadyAllSucceeded)}.`,
    `- B's p99: ${ms(verdicts.p99Ms.solo)} ms alone, ${ms(verdicts.p99Ms.flood)} ms during the floods (medians over rounds): ${verdicts.p99Ms.ratio.toFixed(2)}×. Target ≤ ${p99Target}×: ${met(verdicts.p99WithinTarget)}. p50: ${ms(verdicts.p50Ms.solo)} → ${ms(verdicts.p50Ms.flood)} ms (${verdicts.p50Ms.ratio.toFixed(2)}×).`,
    ...(costliest
      ? [
          `- Of A's streams alone, the one that costs B most: ${STREAM_NAMES[costliest.stream] ?? costliest.stream} (B's p99 ${costliest.p99Ratio.toFixed(2)}× its solo median).`,
        ]
      : []),
    `- Circuit breaker after the last flood (\`/health\` of the serving isolate): ${results.health.circuit}, status ${results.health.status}. Target closed: ${met(verdicts.breakerClosed)}. During the floods (sampled every 0.5 s): ${listed(verdicts.circuitDuringFloods ?? {})}${(verdicts.circuitDuringFloods?.open ?? 0) + (verdicts.circuitDuringFloods?.["half-open"] ?? 0) > 0 ? ": it opened while A flooded, and every tenant's requests on this isolate degraded while it was open" : ""}.`,
    oversizedLine(verdicts.flooder.oversizedBatches, met),
    `- Fair warming: of the ${verdicts.flooder.ticks} ticks fired during the floods, ${results.warmDuringFloods.steadyDueTicks} found B's every-minute plan due (the first of each minute; no tick fires between floods); B's plan ran ${results.warmDuringFloods.steadyChunks} time(s) from them, beside ${results.warmDuringFloods.flooderChunks} chunks of A's max-priority plans.`,
  ];
}

/** Whether every one of A's oversized batches was refused, and what the others became. */
function oversizedLine(totals: StreamTotals, met: (ok: boolean) => string): string {
  const answered = Object.values(totals.answers).reduce((sum, n) => sum + n, 0);
  const refused = Object.entries(totals.answers).reduce((sum, [answer, n]) => sum + (answer.startsWith("413") ? n : 0), 0);
  const kept = totals.outcomes?.["batch:stored:memory"] ?? 0;
  return `- A's oversized batches refused with 413: ${int(refused)} of ${int(answered)}${kept > 0 ? `; the others answered ${listed(Object.fromEntries(Object.entries(totals.answers).filter(([answer]) => !answer.startsWith("413"))))}, with ${int(kept)} of their values kept in memory only (\`"stored":"memory"\`)` : ""}. Target all refused, nothing stored: ${met(refused === answered && kept === 0)}.`;
}
