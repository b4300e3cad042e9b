/**
 * `npm run chaos`: reliability under load and faults. Starts redis-server (append-only), the
 * gateway and the built worker under Miniflare; creates tenants through the admin API; runs
 * mixed traffic from several tenants while Redis is killed and the gateway hangs, slows down,
 * fails, answers garbage and refuses connections; then floods 1 MiB values. Every invariant is
 * counted, printed, and asserted: the exit code is 1 when any was violated. `--long` for the
 * documented long run (bench/CHAOS.md), `--help` for options.
 */
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { readStatsAtRest } from "./at-rest.ts";
import { checkDurability, type DurabilitySnapshot } from "./checks/durability-snapshot.ts";
import { evaluate } from "./evaluate.ts";
import { runMemoryPhase } from "./memory-phase.ts";
import { parseChaosOptions } from "./options.ts";
import { writeOutputs } from "./outputs.ts";
import { type ChaosReport, invariantTable } from "./report.ts";
import { HealthSampler } from "./samplers/health-sampler.ts";
import { HeapSampler } from "./samplers/heap-sampler.ts";
import { Pulse } from "./samplers/pulse.ts";
import { RateLimitSampler } from "./samplers/rate-limit-sampler.ts";
import { StatsSampler } from "./samplers/stats-sampler.ts";
import { runSchedule } from "./schedule.ts";
import { startChaosStack } from "./stack/chaos-stack.ts";
import { openRedisReader } from "./stack/redis-reader.ts";
import { createChaosTenants, METERED_RULE, TIGHT_RULE } from "./stack/tenants.ts";
import { CHAOS_VARS } from "./stack/worker-config.ts";
import { Journal } from "./traffic/journal.ts";
import { VirtualUser } from "./traffic/virtual-user.ts";
import { warmTokens } from "./traffic/warm-up.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const options = parseChaosOptions(process.argv.slice(2));
const log = (line: string) => console.log(line);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

const stack = await startChaosStack(REPO_ROOT, log);
const redis = openRedisReader(stack.redis.url);
let exitCode = 1;
try {
  log(
    `worker at ${stack.worker.url}, Redis at ${stack.redis.url} (append-only, fsync always), workerd pid ${stack.workerdPid ?? "unknown"}`,
  );
  const tenants = await createChaosTenants(stack.worker.url, stack.adminToken);
  const journal = new Journal();
  const ctx = { baseUrl: stack.worker.url, journal };
  const users = [
    ...tenants.regular.flatMap((access) =>
      Array.from(
        { length: options.usersPerTenant },
        (_, vu) => new VirtualUser({ access, vu, peers: options.usersPerTenant, thinkMs: options.thinkMs }),
      ),
    ),
    new VirtualUser({ access: tenants.metered, vu: 0, peers: 1, thinkMs: options.thinkMs }),
    // About 25 requests/s against a limit of 20 per 2 s: refused most of the time.
    new VirtualUser({ access: tenants.tight, vu: 0, peers: 1, thinkMs: [30, 50], readOnly: true }),
  ];
  journal.phase = "seed";
  await warmTokens(ctx, [...tenants.regular, tenants.metered, tenants.tight, tenants.flood]);
  await Promise.all(users.map((user) => user.seed(ctx)));

  const pulse = new Pulse(stack.worker.url, 20);
  pulse.start();
  const health = new HealthSampler(ctx, stack.workerdPid, 200);
  const heap = new HeapSampler(stack.worker.inspectorUrl, journal, 200);
  await heap.start();
  const stats = new StatsSampler(ctx, [...tenants.regular, tenants.metered], 2000);
  const rateLimits = new RateLimitSampler(redis, 500);
  health.start();
  stats.start();
  rateLimits.start();
  const traffic = users.map((user) => user.run(ctx));
  log(`${users.length} virtual users on ${tenants.regular.length + 1} tenants; faults (${options.outageSeconds} s each):`);

  const durability: DurabilitySnapshot[] = [];
  const schedule = await runSchedule(
    stack,
    journal,
    health,
    options,
    async (plan) => {
      durability.push(await checkDurability(journal, redis, `after ${plan.name}`));
    },
    log,
  );

  for (const user of users) user.stop();
  await Promise.all(traffic);
  await stats.stop();
  journal.phase = "rest";
  const statsAtRest = await readStatsAtRest(ctx, [...tenants.regular, tenants.metered], Number(CHAOS_VARS.STATS_FLUSH_INTERVAL_MS));
  durability.push(await checkDurability(journal, redis, "at rest"));
  await rateLimits.stop();

  log(`load done at ${elapsed()}; flooding ${options.floodValues} × 1 MiB`);
  const flood = await runMemoryPhase(ctx, tenants.flood, heap, stack.workerdPid, {
    values: options.floodValues,
    concurrency: options.floodConcurrency,
    valueBytes: Number(CHAOS_VARS.MAX_VALUE_BYTES),
    incompressibleEvery: 8,
    ttlSeconds: 120,
  });
  await health.stop();
  await heap.stop();
  await pulse.stop();

  const loadPhases = new Set(["baseline", ...schedule.windows.flatMap((w) => [w.name, `${w.name} (recovery)`])]);
  const evaluation = evaluate({
    journal,
    loadPhases,
    windows: schedule.windows,
    health: health.samples,
    heap: heap.samples,
    statsDuring: stats.samples,
    statsAtRest,
    durability,
    rateLimitCounters: rateLimits.counters,
    rateLimit: { tenant: "metered", tenantRule: METERED_RULE, tightTokenId: tenants.tight.tokenId, tightRule: TIGHT_RULE },
    flood,
    l2TimeoutMs: Number(CHAOS_VARS.L2_TIMEOUT_MS),
    graceSeconds: Number(CHAOS_VARS.L1_GRACE_SECONDS),
    pulse,
    budgetBytes: Number(CHAOS_VARS.L1_BUDGET_BYTES),
  });
  const report: ChaosReport = {
    ...evaluation,
    mode: options.mode,
    finishedAt: new Date().toISOString(),
    environment: { node: process.version, cpus: cpus().length, platform: process.platform },
    workerVars: { ...CHAOS_VARS },
    faults: schedule.windows.map((w) => ({ name: w.name, what: w.what, outage: w.outage, seconds: options.outageSeconds })),
    durabilitySnapshots: durability,
    flood,
  };
  log(`\n${invariantTable(report)}\n`);
  for (const failed of report.invariants.filter((i) => i.violations > 0)) {
    for (const example of failed.examples) log(`  ${failed.id}: ${example}`);
  }
  writeOutputs({ repoRoot: REPO_ROOT, ...options }, report, journal, health.samples, heap.samples);
  const violated = report.invariants.filter((i) => i.violations > 0).length;
  log(`${violated === 0 ? "all invariants held" : `${violated} invariant(s) violated`} (${elapsed()})`);
  exitCode = violated === 0 ? 0 : 1;
} finally {
  redis.disconnect();
  await stack.stop();
}
process.exit(exitCode);
