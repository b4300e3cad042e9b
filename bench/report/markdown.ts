import type { Scenario } from "../http/scenarios.ts";
import type { CellSummary } from "../http/summary.ts";
import type { CpuHistory, CpuInRun } from "./cpu-history.ts";
import type { BenchResults } from "./results.ts";
import { ownRequestsPerOp } from "./targets.ts";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const ms = (n: number) => n.toFixed(2);
const x = (n: number | undefined) => (n === undefined ? "-" : `${n.toFixed(2)}×`);
const verdict = (met: boolean | undefined) => (met === undefined ? "n/a" : met ? "**met**" : "**not met**");

function cellRow(cell: CellSummary, label: string): string {
  const gateway = cell.scenario.startsWith("limit") ? "-" : cell.gatewayRequestsPerOp.toFixed(3);
  const split = cell.edgeCache
    ? `${ownRequestsPerOp(cell).toFixed(3)} / ${cell.statsRequestsPerOp.toFixed(4)} / ${cell.tokenRequestsPerOp.toFixed(4)}`
    : "-";
  const health = cell.errors + cell.degraded === 0 ? "0" : `${cell.errors} errors, ${cell.degraded} degraded`;
  const cpu = cell.workerCpuUsPerOp === undefined ? "-" : int(cell.workerCpuUsPerOp);
  const redisCpu = cell.redisCpuUsPerOp === undefined ? "-" : int(cell.redisCpuUsPerOp);
  const fromRedis = cell.l2Share === undefined ? "-" : `${(cell.l2Share * 100).toFixed(1)}%`;
  return `| ${label} | ${cell.connections} | ${int(cell.requestsPerSecond.median)} (${int(cell.requestsPerSecond.min)}-${int(cell.requestsPerSecond.max)}) | ${ms(cell.p50Ms.median)} | ${ms(cell.p99Ms.median)} (${ms(cell.p99Ms.min)}-${ms(cell.p99Ms.max)}) | ${cpu} | ${redisCpu} | ${gateway} | ${split} | ${fromRedis} | ${health} |`;
}

function cellTable(results: BenchResults, latencyMs: number): string[] {
  const label = (id: string) => {
    const s = results.scenarios.find((sc) => sc.id === id);
    return s ? `(${s.letter}) ${s.label}` : id;
  };
  const rows = results.cells.filter((c) => c.latencyMs === latencyMs).map((c) => cellRow(c, label(c.scenario)));
  return [
    "| Scenario | conns | req/s median (min-max) | p50 ms | p99 ms median (min-max) | worker CPU µs/req | Redis CPU µs/req | gateway req/op | own / stats / token | GETs from Redis | errors |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
  ];
}

function loadMethod(load: "wrk" | "autocannon"): string {
  if (load === "autocannon") return "Load comes from autocannon in a separate Node process, for every scenario.";
  return (
    "Load comes from wrk (Debian's package; 2 threads, 1 for a single connection), a C event loop that leaves the CPU to the worker, for every scenario that sends one fixed request; the mixed scenario, which draws a key per request, keeps autocannon in a separate Node process. " +
    "On a 2-core machine a Node load generator takes CPU the worker would have used, which narrows every CPU-bound difference: results before 2026-12-03 used autocannon for all scenarios, and `npm run bench -- --load autocannon` measures that way again. wrk runs are timed, so requests still in flight when a run stops (at most one per connection) are served and counted in the gateway's requests but not in the latencies."
  );
}

export function renderResults(results: BenchResults, jsonName: string, scenarios: readonly Scenario[]): string {
  const { method, environment } = results;
  const load = results.cells.map((c) => c.loadAverage);
  const lines = [
    "# Benchmarks",
    "",
    `Generated from \`bench/results/${jsonName}\` by \`npm run bench\`. Do not edit by hand: rerun it.`,
    "",
    `Machine: ${environment.cpu}, ${environment.cpus} cores, ${environment.platform}; Node ${environment.node}. ` +
      `Miniflare ${results.versions.miniflare} (workerd, compatibility date ${results.compatibilityDate}), wrangler ${results.versions.wrangler}, ` +
      `${results.versions.wrk ? `wrk ${results.versions.wrk}, ` : ""}autocannon ${results.versions.autocannon}, hono ${results.versions.hono}, @upstash/redis ${results.versions["@upstash/redis"]}, @unkey/cache ${results.versions["@unkey/cache"]}.`,
    "",
    "![Throughput per scenario](results/throughput.svg)",
    "",
    "## Method",
    "",
    `- Every worker is bundled (edge-cache by \`wrangler deploy --dry-run\`, the comparison workers by esbuild with the same options) and served by Miniflare directly on a loopback port, not \`wrangler dev\`, whose proxy would be the bottleneck. L2 is a real redis-server behind the project's Upstash-compatible gateway (dev/gateway); each Redis-backed worker has a gateway scope of its own, whose request counters give "gateway req/op".`,
    `- ${loadMethod(method.load ?? "autocannon")} Every run is warmed up for ${method.warmupSeconds} s, then measured for ${method.durationSeconds} s; each cell is run ${method.reps} times, the repetitions being rounds over all cells (so a burst of other work lands on one run of many cells, not on every run of one). Tables give the median, with the slowest and fastest repetition. Latencies are exact percentiles of every response time (wrk's histogram counts microseconds; autocannon's own rounds to whole milliseconds, so its responses are timed by the harness).`,
    `- Every request reads or writes the same ${method.valueBytes}-byte HTML-like value. The mixed scenario draws keys from Zipf(1.0) over ${int(method.mixedKeyCount)} keys, all written beforehand, with a seeded generator; 10% of its requests are PUTs.`,
    `- "gateway req/op" is every request the worker's gateway scope received, divided by the requests sent, counted after in-flight requests settled. For edge-cache it is split into the operation's own requests, stats flushes (counted by the marker each flush leaves in Redis) and token re-verifications (the gateway's count of resolve-token script calls, told apart by the script's SHA); "degraded" counts responses served STALE, writes kept in memory only and batch operations that were not hits.`,
    '- "worker CPU µs/req" is the CPU time of the worker\'s workerd process (from /proc) over the measured run, per request sent; it includes Miniflare\'s entry worker, which every scenario pays alike. Unlike req/s it barely moves with other load on the machine, so it is the steadier way to compare the work a request costs. "Redis CPU µs/req" is the same for the redis-server process (the Lua scripts\' work; the gateway is not in it). "GETs from Redis" is the share of edge-cache GET responses with `X-Cache: HIT-L2`.',
    `- The slow-Redis repeat adds ${method.latencyMs} ms to every gateway answer (gateway scope fault \`latencyMs\`).`,
    `- The machine was shared with other work: 1-minute load average during runs ${load.length ? `${Math.min(...load.map((l) => l.min)).toFixed(1)}-${Math.max(...load.map((l) => l.max)).toFixed(1)}` : "-"} on ${environment.cpus} cores; treat differences within a cell's min-max spread as noise.`,
    "",
    "Scenarios:",
    "",
    ...scenarios.map((s) => `- \`${s.id}\` (${s.letter}): ${s.label}.`),
    "",
    "## Results, no added latency",
    "",
    ...cellTable(results, 0),
    "",
    `## Results, +${method.latencyMs} ms gateway latency`,
    "",
    ...cellTable(results, method.latencyMs),
    "",
    "## Ratios",
    "",
    "Median req/s against the bare route (same concurrency), the hand-written SDK calls doing the same work (one GET per request unless named: one SET, one MGET of the batch's keys) and the peer doing the same work (same concurrency and gateway latency); p50 against the bare route.",
    "",
    "| Scenario | conns | gateway latency | × limit | p50 over limit | × naive | × peer |",
    "|---|---|---|---|---|---|---|",
    ...results.ratios.map(
      (r) =>
        `| ${r.scenario} | ${r.connections} | ${r.latencyMs ? `+${r.latencyMs} ms` : "-"} | ${x(r.vsLimit)} | ${r.p50OverLimitMs === undefined ? "-" : `${r.p50OverLimitMs >= 0 ? "+" : ""}${ms(r.p50OverLimitMs)} ms`} | ${x(r.vsNaive)}${r.naiveScenario && r.vsNaive !== undefined ? ` (${r.naiveScenario})` : ""} | ${r.peerScenario ? `${x(r.vsPeer)} (${r.peerScenario})` : "-"} |`,
    ),
    "",
    ...cpuHistorySection(results.cpuHistory),
    "## Targets",
    "",
    "| Target | Where | Verdict | Measured |",
    "|---|---|---|---|",
    ...results.targets.map((t) => `| ${t.target} | ${t.cell} | ${verdict(t.met)} | ${t.measured} |`),
    "",
    "## L1 study and bundle",
    "",
    results.l1Study
      ? `- [L1-RESULTS.md](L1-RESULTS.md) (\`bench/results/${results.l1Study.file}\`): SIEVE − LRU at ${results.l1Study.targetScenario}: ${results.l1Study.sieveMinusLruPoints >= 0 ? "+" : ""}${results.l1Study.sieveMinusLruPoints} points (target ≥ +8: ${verdict(results.l1Study.targetMet)}); SIEVE ≥ LRU everywhere: ${results.l1Study.sieveAtLeastLruEverywhere ? "yes" : "no"}; L1 byte accounting for 1 KiB values: ${results.l1Study.memoryRatio1KiB ?? "-"} of the measured heap.`
      : "- L1 study: no results found.",
    results.bundle
      ? `- [BUNDLE.md](BUNDLE.md) (\`bench/results/${results.bundle.file}\`): ${int(results.bundle.gzipBytes)} B gzip, ${int(results.bundle.rawBytes)} B raw (target ≤ ${int(results.bundle.targetGzipBytes)} B gzip: ${verdict(results.bundle.met)}); startup ${int(results.bundle.startupOverEmptyMs)} ms over an empty Worker.`
      : "- Bundle: no results found.",
    "",
  ];
  return lines.join("\n");
}

const cpu = (run: CpuInRun | undefined) => (run ? int(run.cpuUsPerOp) : "-");
const cpuVsLimit = (run: CpuInRun | undefined) => x(run?.vsLimit);

function cpuHistorySection(history: CpuHistory | undefined): string[] {
  if (!history) return [];
  return [
    "## Worker CPU per request, before and after",
    "",
    `Worker CPU µs per request in this run and in the one before it (\`bench/results/${history.file}\`, measured ${history.measuredAt.slice(0, 10)} with ${history.load}), and each as a multiple of the bare route's at the same concurrency in its own run. The bare route's code is the same in both runs, so the multiple takes out most of what the machine and the load generator change between runs; the µs do not. What it still moves by between runs shows in the rows of the comparison workers (naive, peer-memory, peer-upstash), whose code for these requests is the same in both; a gateway latency leaves so few requests per second at one connection that the process's fixed CPU weighs on each of them, so those cells say least. "-" is a cell the earlier run did not measure.`,
    "",
    "| Scenario | conns | gateway latency | µs/req before | after | × limit before | after |",
    "|---|---|---|---:|---:|---:|---:|",
    ...history.rows.map(
      (r) =>
        `| ${r.scenario} | ${r.connections} | ${r.latencyMs ? `+${r.latencyMs} ms` : "-"} | ${cpu(r.before)} | ${cpu(r.after)} | ${cpuVsLimit(r.before)} | ${cpuVsLimit(r.after)} |`,
    ),
    "",
  ];
}
