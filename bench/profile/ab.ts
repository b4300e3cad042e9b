/**
 * Interleaved A/B of one scenario: a reference worker (the bare route by default), an earlier
 * edge-cache build and the current one, served side by side on one fixture and loaded in short
 * alternating wrk runs, so a change is compared with its baseline under the same machine state
 * (on a shared 2-core machine, the state drifts more between two benchmark runs than a change of
 * a few µs moves anything). Prints worker CPU µs per request and req/s, medians over the rounds,
 * and the median of each round's ratio to the reference, which drifts least with the machine.
 *
 *   npx wrangler deploy --dry-run --outdir bench/.build/baseline   # at the baseline commit
 *   npx tsx bench/profile/ab.ts --baseline bench/.build/baseline/index.js --scenario l1-hit
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startFixture, type Target, type WorkerName } from "../http/fixture.ts";
import { processCpuMs } from "../http/process-cpu.ts";
import { SCENARIOS } from "../http/scenarios.ts";
import { seed } from "../http/seed.ts";
import { startWrkLoad } from "../http/wrk-client.ts";
import { median } from "../l1/median.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const { values } = parseArgs({
  options: {
    baseline: { type: "string" },
    scenario: { type: "string", default: "l1-hit" },
    reference: { type: "string", default: "limit" },
    connections: { type: "string", default: "1,32" },
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "3" },
  },
});
const scenario = SCENARIOS.find((s) => s.id === values.scenario);
if (!scenario?.worker.startsWith("edge")) throw new Error(`edge-cache bench: --scenario must be an edge-cache scenario`);
if (!values.baseline) throw new Error("edge-cache bench: --baseline <bundle under the repo> is required");
const variant = scenario.worker as "edge" | "edgeRevalidate" | "edgeNoL1";

const fixture = await startFixture(REPO_ROOT, { log: console.log, baseline: { script: join(REPO_ROOT, values.baseline), variant } });
const load = startWrkLoad();
try {
  await seed(fixture, { mixedKeyCount: 1000, log: console.log });
  const plan = scenario.plan({ mixedKeyCount: 1000 });
  const sides: [string, Target][] = [
    [values.reference, fixture.targets[values.reference as WorkerName]],
    ["baseline", fixture.baseline as Target],
    ["current", fixture.targets[variant]],
  ];
  for (const connections of values.connections.split(",").map(Number)) {
    const samples = new Map<string, { cpu: number[]; rate: number[]; cpuRatio: number[]; rateRatio: number[] }>(
      sides.map(([name]) => [name, { cpu: [], rate: [], cpuRatio: [], rateRatio: [] }]),
    );
    for (let round = 0; round < Number(values.rounds); round++) {
      const thisRound = new Map<string, { cpu: number; rate: number }>();
      for (const [name, target] of round % 2 ? [...sides].reverse() : sides) {
        const job = { url: target.worker.url, connections, plan, headers: { authorization: fixture.authorization } };
        await load.run({ ...job, durationSeconds: 1 });
        const before = processCpuMs(target.worker.pid) ?? 0;
        const result = await load.run({ ...job, durationSeconds: Number(values.seconds) });
        const cpu = ((processCpuMs(target.worker.pid) ?? 0) - before) * 1000;
        if (result.errors > 0)
          throw new Error(`edge-cache bench: ${name} answered ${result.errors} errors: ${JSON.stringify(result.statusCodes)}`);
        thisRound.set(name, { cpu: cpu / result.sent, rate: result.requestsPerSecond });
      }
      const reference = thisRound.get(values.reference) as { cpu: number; rate: number };
      for (const [name, measured] of thisRound) {
        const sample = samples.get(name);
        sample?.cpu.push(measured.cpu);
        sample?.rate.push(measured.rate);
        sample?.cpuRatio.push(measured.cpu / reference.cpu);
        sample?.rateRatio.push(measured.rate / reference.rate);
      }
    }
    console.log(`\n${scenario.id}, c=${connections}, ${values.rounds} rounds of ${values.seconds} s`);
    for (const [name, { cpu, rate, cpuRatio, rateRatio }] of samples)
      console.log(
        `${name.padEnd(10)} ${median(cpu).toFixed(0).padStart(5)} µs CPU/req  ${median(rate).toFixed(0).padStart(6)} req/s  ` +
          `per round: ${median(cpuRatio).toFixed(3)}× ${values.reference}'s CPU, ${median(rateRatio).toFixed(3)}× its req/s`,
      );
  }
} finally {
  await load.stop();
  await fixture.stop();
}
