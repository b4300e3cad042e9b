import { findBottleneck, pct } from "./bottleneck.ts";
import type { MigrateResults } from "./migrate-results.ts";
import { completenessTable, cpuTable, requestKinds, rssSeries, throughputTable } from "./migrate-tables.ts";
import { TARGETS } from "./migrate-verdicts.ts";
import type { RssTrend } from "./rss-trend.ts";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const verdict = (met: boolean | undefined) => (met === undefined ? "not judged" : met ? "**met**" : "**not met**");

function method(results: MigrateResults): string[] {
  const { method: m } = results;
  return [
    "## Method",
    "",
    "- The Worker is bundled by `wrangler deploy --dry-run` and served by Miniflare directly (`bench/http/serve.ts`, not `wrangler dev`), with wrangler.toml's vars and `LOG_LEVEL=warn` (a log line per request would be piped into the harness and cost it more CPU than the gateway). An entry module in front of the bundle counts every request that reaches the Worker, by route and status, and hands it to edge-cache's own `fetch` unchanged.",
    "- Its L2 is a redis-server of its own started with `--maxmemory 0 --maxmemory-policy noeviction` (nothing can be evicted; `evicted_keys` is checked after), behind the project's Upstash-compatible gateway (dev/gateway) running in a Node process of its own, so its CPU is read apart from the harness's. Every size gets a fresh L2, gateway and Worker.",
    `- The tenant is created through the admin API before the copy, with \`limits.storageBytes\` = ${int(m.storageBytes)} (the default budget, 256 MiB, would stop a copy of a million 1 KiB entries); the CLI's \`--create-tenants\` then finds it, looks up its limits and issues its token as on any run.`,
    `- The legacy Redis is a redis-server of its own, seeded as an application writes (pipelined \`SET key value EX ttl\`, 1,000 per pipeline, 4 in flight): keys \`legacy:doc:<n>\`, values exactly ${int(m.valueBytes)} bytes of JSON text around a window of a corpus of made-up words (never twice the same; gzip shrinks them ${m.valueGzipRatio.toFixed(1)}×, so the Worker compresses each one, as it would a legacy JSON cache), TTLs spread over 1 to 7 days. Not \`DEBUG POPULATE\`: its values carry no TTL and one repeated pattern, so the copy would exercise neither lifetimes nor compression of realistic text.`,
    `- The CLI runs as a child process, \`node --import tsx tools/migrate/main.ts --from redis://… --tenant legacy --create-tenants --state <tmp> --batch-size ${m.batchSize} --concurrency ${m.concurrency} --url <worker>\` with \`EDGE_CACHE_ADMIN_TOKEN\` in its environment (no npm or tsx binary in between, so its pid is the CLI's). keys/s is the number of keys over the CLI's wall clock, spawn to exit, start-up included (Node and tsx alone take ${m.cliStartupSeconds.toFixed(2)} s: \`--help\` timed the same way).`,
    "- Requests per key: every request that reached the Worker while the CLI ran (its admin calls included; the harness's tenant creation and counter readings are not), over the keys seeded.",
    `- Peak RSS: a module preloaded into the CLI's process (\`--import bench/migrate/cli/exit-report.ts\`, which only listens for \`exit\`) reads \`VmHWM\` from /proc/self/status as the process exits; \`VmRSS\` is also polled every ${m.sampleMs} ms as a cross-check.`,
    `- CPU: utime + stime of each process from /proc/<pid>/stat every ${m.sampleMs} ms over the CLI's lifetime (the CLI's own total from its exit report); percentages are of one core (each of these processes does its work on one thread, so one near 100% caps the copy on its own), "peak" is the busiest sampling interval. "harness" is the benchmark's Node process (Miniflare's Node side, the sampling). The whole machine's busy cores come from /proc/stat and include anything else running.`,
    "- Complete: the CLI's state file (`totals.copied`, `completed`) and a SCAN of the L2 over the tenant's entry prefix (`ec:legacy:e:*`) must both equal the keys seeded, with nothing refused or evicted.",
    "- One copy per size; the machine is shared with other work, so keys/s can move by some percent between runs. CPU seconds per key move much less.",
    "",
  ];
}

function profileSection(results: MigrateResults): string[] {
  const profile = results.cliProfile;
  if (!profile) return [];
  return [
    `### Inside the CLI`,
    "",
    `One more copy of ${int(profile.keys)} keys with the CLI under \`node --cpu-prof\` (not among the measured runs: profiling slows it a little; it ran at ${int(profile.keysPerSecond)} keys/s). The CLI was busy ${profile.busySeconds.toFixed(1)} CPU seconds and idle ${pct(profile.idleShare)} of its lifetime (waiting on the Worker or the legacy Redis). Self time, as shares of its busy time:`,
    "",
    "| part of the code | share of busy time |",
    "|---|---|",
    ...profile.groups.filter((g) => g.busyShare >= 0.005).map((g) => `| ${g.group} | ${pct(g.busyShare)} |`),
    "",
    "| function (file:line) | self | with callees |",
    "|---|---|---|",
    ...profile.functions.map((f) => `| \`${f.name}\` | ${pct(f.busyShare)} | ${pct(f.totalBusyShare)} |`),
    "",
  ];
}

const STAND_INS = ["workerd", "gateway", "L2 redis-server"];

function trendText(trend: RssTrend | undefined): string {
  if (!trend) return "";
  const change = trend.lateMiB - trend.earlyMiB;
  return `. Within the largest copy, the CLI's RSS went from ${trend.earlyMiB.toFixed(0)} MiB (median over 10-20% of its run) to ${trend.lateMiB.toFixed(0)} MiB (last 10%) while ~${int(trend.keysBetween)} keys were copied: ${change >= 0 ? "+" : ""}${change.toFixed(1)} MiB, ${trend.bytesPerKey.toFixed(1)} bytes per key`;
}

function verdicts(results: MigrateResults): string[] {
  const v = results.verdicts;
  const rates = v.runs.map((r) => `${int(r.keys)}: ${int(r.keysPerSecond)} keys/s`).join("; ");
  const perKey = v.runs.map((r) => `${int(r.keys)}: ${r.requestsPerKey.toFixed(5)}`).join("; ");
  const rss = v.rss
    ? `${verdict(v.rss.met)}: ${v.rss.smallestMiB.toFixed(1)} MiB at ${int(v.rss.smallestKeys)} keys, ${v.rss.largestMiB.toFixed(1)} MiB at ${int(v.rss.largestKeys)} (${v.rss.growthMiB >= 0 ? "+" : ""}${v.rss.growthMiB.toFixed(1)} MiB, ${v.rss.ratio.toFixed(2)}×)${trendText(v.rss.trend)}`
    : "not judged: one size only";
  const standIns = results.runs.map((run) => {
    const cores = run.cpu.processes.filter((p) => STAND_INS.includes(p.name)).reduce((sum, p) => sum + p.cores, 0);
    return `${cores.toFixed(2)} (${int(run.keys)} keys)`;
  });
  return [
    "## Verdicts",
    "",
    `- Throughput ≥ ${int(TARGETS.keysPerSecond)} keys/s on this ${results.environment.cpus}-core machine: ${verdict(v.throughputMet)} (${rates}).`,
    `- HTTP requests per key ≤ ${TARGETS.requestsPerKey} at batches of 100: ${verdict(v.requestsPerKeyMet)} (${perKey}${results.method.batchSize === 100 ? "" : `; this run used batches of ${results.method.batchSize}`}).`,
    `- Peak RSS flat from the smallest to the largest size (flat: within ${TARGETS.rssGrowthRatio}×, or at most ${TARGETS.rssGrowthMiB} MiB more): ${rss}.`,
    `- Copy complete (state file and L2 hold every key, nothing refused or evicted): ${
      v.completeMet
        ? "**yes**"
        : `**no** for ${v.runs
            .filter((r) => !r.complete)
            .map((r) => int(r.keys))
            .join(", ")} keys`
    }.`,
    `- The machine is shared by everything: the Worker, the gateway and the L2 redis-server (in production Cloudflare's and Upstash's) used ${standIns.join(" and ")} of its ${results.environment.cpus} cores: CPU that a CLI run against a deployment would have to itself.`,
    ...results.runs.map(
      (run) => `- What limited the copy of ${int(run.keys)} keys: ${findBottleneck(run, results.method.concurrency).sentence}.`,
    ),
    "",
  ];
}

export function renderMigrate(results: MigrateResults, jsonName: string): string {
  const { environment: env, versions, runs } = results;
  const largest = [...runs].sort((a, b) => b.keys - a.keys)[0];
  const unexpected = runs.filter((run) => requestKinds(run).other > 0);
  return [
    "# Migration: copying a legacy Redis with `npm run migrate`",
    "",
    `Generated from \`bench/results/${jsonName}\` by \`npm run bench -- --migrate\` (measured ${results.measuredAt}, ${Math.round(results.durationSeconds / 60)} minutes). Do not edit by hand: rerun it, or \`npm run bench -- --migrate --render\` after a change to the report.`,
    "",
    `Machine: ${env.cpu}, ${env.cpus} cores, ${env.platform}; Node ${env.node}. Miniflare ${versions.miniflare} (workerd, compatibility date ${results.compatibilityDate}), wrangler ${versions.wrangler}, redis-server as installed (dev/redis/launcher.ts).`,
    "",
    ...method(results),
    "## Throughput, requests and memory",
    "",
    ...throughputTable(runs),
    "",
    ...(unexpected.length > 0
      ? ["Requests other than batches and admin calls reached the Worker: see `requests.byRoute` in the JSON.", ""]
      : []),
    "## Where the CPU went",
    "",
    "CPU seconds of each process over the CLI's lifetime, its share of one core, and its busiest interval.",
    "",
    ...cpuTable(runs),
    "",
    ...profileSection(results),
    "## Completeness",
    "",
    ...completenessTable(runs),
    "",
    ...verdicts(results),
    ...(largest
      ? [
          `The CLI's resident memory through the copy of ${int(largest.keys)} keys (seconds, MiB): ${rssSeries(largest)}.`,
          "",
          `The CLI's last output at ${int(largest.keys)} keys:`,
          "",
          "```",
          ...largest.cli.outputTail.trimEnd().split("\n").slice(-20),
          "```",
          "",
        ]
      : []),
  ].join("\n");
}
