import { FLOOD_PLAN_TARGETS, FLOOD_PLANS } from "../noisy/noisy-tenants.ts";
import { PLAN_KEYS } from "../seed/tenant-fixture.ts";
import { costTable, seedingTable, tickTable } from "./cost-tables.ts";
import { attributionTable, flooderTable, gatewayTable, noisyVerdictLines, steadyTable } from "./noisy-tables.ts";
import type { ScaleResults } from "./scale-results.ts";

const int = (n: number) => Math.round(n).toLocaleString("en-US");

function costSection(results: ScaleResults): string[] {
  const cost = results.cost;
  if (!cost) return [];
  const { method } = results;
  const sizes = cost.sizes.map((s) => s.tenants);
  const growing = cost.operations.filter((op) => !op.sameRequests || !op.sameCommands);
  const innerCalls = cost.operations.filter((op) => !op.sameRedisCalls);
  const slower = cost.operations.filter((op) => !op.latencyWithinNoise);
  const wrong = cost.operations.filter((op) => !op.answersAsExpected);
  const names = (ops: typeof cost.operations) => ops.map((op) => `${op.label}`).join("; ");
  return [
    "## Cost per operation at each size",
    "",
    `One deployment per size, ${sizes.map(int).join(", ")} tenants, all running at once. Each tenant: a browser origin of its own, a server token (read, write, manage), a read token bound to an origin of its own, and a warm plan of ${PLAN_KEYS.length} targets on a local origin (the first two tenants' plans every minute, the third's every five minutes, all others hourly). Each repetition measures every size in turn before the next begins, so a burst of other work on the machine lands on one repetition of every size, not on every repetition of one. Values are medians of ${method.reps} repetitions (GET and PUT: ${method.reps} × ${method.dataSamples}), with the range when repetitions disagreed; p95 where there are at least 20 samples.`,
    "",
    ...costTable(cost.operations, sizes),
    "",
    "### Cron ticks",
    "",
    ...tickTable(cost.operations, cost.sizes),
    "",
    "### Seeding through the admin API",
    "",
    ...seedingTable(cost.sizes),
    "",
    ...seedingVerdict(cost.sizes, method.seedConcurrency),
    "",
    "### Verdicts",
    "",
    `- Same request count at every size: ${growing.length === 0 ? "**met** for every operation" : `**not met** for: ${names(growing)}`}.`,
    `- Redis calls (script inner calls included) differ between sizes for: ${innerCalls.length === 0 ? "none" : names(innerCalls)}. Not a target: scripts that reap expired bookkeeping (storage use by expiry minute, old tag watermarks) do a bounded amount of it per call, depending on time, not on tenants.`,
    `- Latency within noise (each size's median at most ${results.method.latencyNoise.ratio * 100}% or ${results.method.latencyNoise.ms} ms over the smallest size's, whichever is larger, or, if further, not distinguishable from it: the 95% confidence intervals of the two medians, from order statistics, overlap): ${slower.length === 0 ? "**met** for every operation" : `**not met** for: ${names(slower)}`}.`,
    `- Every answer as expected: ${wrong.length === 0 ? "yes" : `**no** for: ${names(wrong)}`}.`,
    "",
  ];
}

function seedingVerdict(sizes: NonNullable<ScaleResults["cost"]>["sizes"], concurrency: number): string[] {
  const largest = [...sizes].sort((a, b) => b.seeding.tenants - a.seeding.tenants)[0];
  if (!largest) return [];
  const msPerTenant = (largest.seeding.seconds * 1000) / largest.seeding.tenants;
  return [
    `The largest deployment's ${int(largest.seeding.tenants)} tenants were seeded in ${largest.seeding.seconds.toFixed(0)} s (${msPerTenant.toFixed(1)} ms per tenant, four requests each, ${concurrency} in flight): the admin API is fast enough, so every record is made by the code under test and no faster path is used.`,
  ];
}

function noisySection(results: ScaleResults): string[] {
  const noisy = results.noisy;
  if (!noisy) return [];
  const { flood } = results.method.noisy;
  return [
    "## Noisy neighbour",
    "",
    `${noisy.tenants} tenants (${int(noisy.tenants - 2)} seeded as above, plus A and B). Tenant B sends about ${noisy.steadyRate} requests/s (wrk, 8 connections, each waiting a random think time with mean 8/${noisy.steadyRate} s before each request, so arrivals are spread, not in bursts): 80% GETs and 20% PUTs of 1 KiB values over 200 keys. Each round runs B alone for ${noisy.seconds} s, then again while tenant A floods, starting 1 s before B and ending about 1 s after; ${noisy.rounds.length} rounds, alternating. A's flood, paced the same way, each stream a wrk process of its own:`,
    "",
    `- ${flood.oversizedBatches}/s batches of 8 binary values of 1 MiB each (sent base64-encoded: about 11.2 MB of JSON; their encoded Redis request would exceed Upstash's 10 MB);`,
    `- ${flood.fakeTokens}/s requests with made-up tokens (valid checksum, a new one each time) from one client id (\`CF-Connecting-IP\`);`,
    `- ${flood.rateLimitPerSecond * flood.rateLimitMultiple}/s reads with a token of A's whose own rate limit is ${flood.rateLimitPerSecond} per second (${flood.rateLimitMultiple}×; the limit is on that token, so A's batches reach the size check rather than a 429);`,
    `- ${FLOOD_PLANS} warm plans of ${int(FLOOD_PLAN_TARGETS)} targets each, at the highest priority, every minute; each run was started once by hand, so each is unfinished and due at every tick; a cron tick every ${flood.tickEverySeconds} s during the flood (${noisy.tickRole === "cronQueue" ? "with the queue binding: due runs go to the queue consumer" : "no queue binding: due runs run in the tick"}). B has one small every-minute plan.`,
    "",
    "Every request here is served by one isolate, which runs one request's JavaScript at a time: a request that holds it (reading, parsing and encoding an 11 MB batch before its 413, say) delays every other tenant's requests queued behind it. In production, concurrent requests spread over many isolates and machines, so this is a worst case. On a 2-core machine the flood's own work (wrk, the gateway, A's plans in the queue consumer) also competes for the CPU; the rates above are paced so that the comparison measures interference through edge-cache, not a saturated machine.",
    "",
    ...steadyTable(noisy),
    "",
    ...flooderTable(noisy.verdicts),
    "",
    ...(noisy.verdicts.attribution.length > 0
      ? [
          "Which part of the flood costs B what: after the rounds, B ran once more beside each of A's streams alone.",
          "",
          ...attributionTable(noisy.verdicts),
        ]
      : []),
    ...gatewayTable(noisy.verdicts),
    "",
    "### Verdicts",
    "",
    ...noisyVerdictLines(noisy, noisy.verdicts, results.method.noisy.p99TargetRatio),
    "",
  ];
}

export function renderScale(results: ScaleResults, jsonName: string): string {
  const { environment: env, versions } = results;
  return [
    "# Scale: many tenants, no noisy neighbours",
    "",
    `Generated from \`bench/results/${jsonName}\` by \`npm run bench -- --scale\` (measured ${results.measuredAt}, ${Math.round(results.durationSeconds / 60)} minutes). Do not edit by hand: rerun it, or \`npm run bench -- --scale --render\` after a change to the report.`,
    "",
    `Machine: ${env.cpu}, ${env.cpus} cores, ${env.platform}; Node ${env.node}. Miniflare ${versions.miniflare} (workerd, compatibility date ${results.compatibilityDate}), wrangler ${versions.wrangler}; load from wrk 4.1 with bench/scale/load/paced.lua.`,
    "",
    "## Method",
    "",
    "- The worker is bundled by `wrangler deploy --dry-run` and served by Miniflare directly (not `wrangler dev`), as four workers of one bundle: the serving isolate (in a Miniflare instance of its own, so it can be replaced alone), a cron isolate without a queue binding, a cron isolate with wrangler.toml's queue producer binding, and the queue's consumer (edge-cache's own `queue` handler, wrapped to count messages). Each has its own scope on the project's Upstash-compatible gateway in front of a real redis-server, so each one's Redis requests are counted apart. In production these are one Worker; cron and queue invocations never share an isolate with traffic.",
    "- Tenants are created through the admin API and the tenant API (warm plans), with bounded concurrency, as an operator would: every index they maintain is built by the code under test.",
    `- A cold measurement replaces the serving isolate first (Miniflare restarts its workerd with the same configuration), then sends one request that touches no cache under test (an unknown route), then the measured request: no origin, token or entry is cached in the isolate that answers. Every measured request uses a tenant of its own, spread over the whole range of tenants. Worker vars over wrangler.toml's: ${Object.entries(
      results.method.costVars,
    )
      .map(([k, v]) => `\`${k}=${v}\``)
      .join(", ")} (no stats flush lands inside a measured operation), \`ALLOW_PRIVATE_ORIGINS=true\` (local origins).`,
    '- "gateway requests" is what the role\'s gateway scope received (subrequests, as the platform counts them); "commands" counts the commands inside them (a pipeline of 100 is 100); "Redis calls" is what redis-server executed, inner calls of scripts included (`INFO commandstats`), so a script that loops over every tenant shows there. Counts are read once the scope has been quiet for 100 ms, so work after the response (`waitUntil`) is included. Latency is measured by the client, request sent to body read.',
    `- Cron ticks fire the every-minute trigger through Miniflare (\`getWorker(role).scheduled({cron, scheduledTime})\`); latency is that call's. Before the ticks of a deployment (and again whenever a new minute has begun), ticks with the queue (its consumer running what they send) are repeated until two in a row cost the same and send nothing: every plan has then run its current slot. "Nothing due" ticks are taken in that same minute; "due" ticks (${results.method.dueTickReps ?? 1} per variant and size) are each the first tick of a minute that no five-minute or hourly schedule shares, when exactly the every-minute plans have come due. Messages are delivered ${results.method.queueTiming.deliveryDelaySeconds} s after they are sent (a producer delivery delay), so the consumer's requests never land among the tick's, and are counted on the consumer's own scope.`,
    "- The machine is shared: treat latency differences within a row's repetitions as noise.",
    "",
    ...costSection(results),
    ...noisySection(results),
  ].join("\n");
}
