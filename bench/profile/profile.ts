/**
 * CPU profile of one scenario's worker under load: where the isolate's time goes, by function.
 * Serves an unminified edge-cache build (readable names) with workerd's inspector open, runs the
 * scenario from the load process, samples with V8's profiler over CDP, prints the costliest
 * functions and writes the .cpuprofile (open it in Chrome DevTools > Performance).
 *
 *   npx tsx bench/profile/profile.ts --scenario l1-hit --connections 32 --seconds 10
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import getPort from "get-port";
import { startFixture } from "../http/fixture.ts";
import { startLoadGenerator } from "../http/load-client.ts";
import { SCENARIOS } from "../http/scenarios.ts";
import { seed } from "../http/seed.ts";
import { groupOf, indexBundle } from "./bundle-modules.ts";
import { connectCdp } from "./cdp-client.ts";
import { busyMicroseconds, type CpuProfile, functionCosts, groupCosts } from "./cpu-profile.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "l1-hit" },
    connections: { type: "string", default: "32" },
    seconds: { type: "string", default: "10" },
    latency: { type: "string", default: "0" },
    top: { type: "string", default: "30" },
  },
});
const scenario = SCENARIOS.find((s) => s.id === values.scenario);
if (!scenario) throw new Error(`edge-cache bench: no scenario ${values.scenario}; one of ${SCENARIOS.map((s) => s.id).join(", ")}`);

const port = await getPort({ host: "127.0.0.1" });
const fixture = await startFixture(REPO_ROOT, { log: console.log, unminified: true, inspect: { worker: scenario.worker, port } });
const load = startLoadGenerator(REPO_ROOT);
try {
  const mixedKeyCount = 10_000;
  await seed(fixture, { mixedKeyCount, log: console.log });
  const target = fixture.targets[scenario.worker];
  const job = {
    url: target.worker.url,
    connections: Number(values.connections),
    plan: scenario.plan({ mixedKeyCount }),
    headers: { authorization: fixture.authorization },
  };
  if (Number(values.latency) > 0) await target.control?.setFaults({ latencyMs: Number(values.latency) });
  await load.run({ ...job, durationSeconds: 3 });

  const cdp = await connectCdp(`ws://127.0.0.1:${port}/core:user:${scenario.worker}`);
  await cdp.send("Profiler.enable");
  // 100 µs: a request on the L1 path takes a fraction of a millisecond.
  await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
  await cdp.send("Profiler.start");
  const result = await load.run({ ...job, durationSeconds: Number(values.seconds) });
  const { profile } = await cdp.send<{ profile: CpuProfile }>("Profiler.stop");
  cdp.close();

  const file = join(REPO_ROOT, "bench/.build", `${scenario.id}-c${values.connections}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.log(
    `\n${scenario.id} c=${values.connections}: ${Math.round(result.requestsPerSecond)} req/s under the profiler (slower than unprofiled), p50 ${result.p50Ms.toFixed(2)} ms`,
  );
  console.log(`${profile.samples.length} samples; profile written to ${file.slice(REPO_ROOT.length)}\n`);
  console.log(
    `isolate busy ${(busyMicroseconds(profile) / result.sent).toFixed(0)} µs per request (the user worker only; Miniflare's entry worker is not in this profile)\n`,
  );
  console.log("self%   total%  function");
  for (const cost of functionCosts(profile).slice(0, Number(values.top)))
    console.log(`${(cost.selfShare * 100).toFixed(1).padStart(5)}  ${(cost.totalShare * 100).toFixed(1).padStart(6)}   ${cost.name}`);

  // Per package and per folder of our own code: only the unminified edge-cache build has the markers.
  const bundlePath = join(REPO_ROOT, "bench/.build/edge-cache-unminified/index.js");
  if (scenario.worker.startsWith("edge")) {
    const modules = indexBundle(bundlePath);
    const groups = groupCosts(profile, (frame) =>
      frame.url.endsWith(".js") ? groupOf(modules.moduleAt(frame.lineNumber)) : frame.functionName || "(native)",
    );
    const count = profile.samples.length;
    console.log("\nself%   group (self time by package or folder; pseudo-frames as V8 names them)");
    for (const [group, samples] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 25))
      console.log(`${((samples / count) * 100).toFixed(1).padStart(5)}   ${group}`);
  }
} finally {
  await load.stop();
  await fixture.stop();
}
