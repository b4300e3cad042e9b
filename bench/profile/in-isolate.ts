/**
 * Interleaved A/B of the Worker's own code, without the HTTP around it: each build is served
 * behind an entry module that, on `/__loop`, calls the bundle's `fetch` n times in a row with the
 * scenario's request, inside the isolate. The workerd process's CPU time over that loop, per
 * call, is what the worker's code costs (plus a Request built per call, the same for every
 * build), free of the HTTP parsing, Miniflare's entry worker and the load generator that make up
 * most of a served request's CPU and most of its noise on a shared machine. A change of a few
 * µs is visible here when it is lost in `ab.ts`'s served rounds.
 *
 *   npx wrangler deploy --dry-run --outdir bench/.build/baseline   # at the baseline commit
 *   npx tsx bench/profile/in-isolate.ts --baseline bench/.build/baseline/index.js --scenario l1-hit
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startFixture, type Target } from "../http/fixture.ts";
import { processCpuMsPrecise } from "../http/process-cpu.ts";
import { SCENARIOS } from "../http/scenarios.ts";
import { seed } from "../http/seed.ts";
import { median } from "../l1/median.ts";
import { medianInterval } from "../scale/report/median-interval.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const { values } = parseArgs({
  options: {
    baseline: { type: "string" },
    scenario: { type: "string", default: "l1-hit" },
    calls: { type: "string", default: "3000" },
    rounds: { type: "string", default: "10" },
    /** Also loop the hand-written SDK worker doing the same operation (one SDK GET, SET or MGET). */
    naive: { type: "boolean", default: false },
  },
});
const scenario = SCENARIOS.find((s) => s.id === values.scenario);
if (!scenario?.worker.startsWith("edge")) throw new Error("edge-cache bench: --scenario must be an edge-cache scenario");
if (!values.baseline) throw new Error("edge-cache bench: --baseline <bundle under the repo> is required");
const variant = scenario.worker as "edge" | "edgeRevalidate" | "edgeNoL1";
const plan = scenario.plan({ mixedKeyCount: 1000 });
if (plan.kind !== "get" && plan.kind !== "put" && plan.kind !== "post-json") throw new Error("edge-cache bench: one fixed request only");

// The loop awaits each call and reads its body, as a served request would be read.
const wrapper = (bundleFile: string) => `
import worker from "./${bundleFile}";
export default {
  ...worker,
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname !== "/__loop") return worker.fetch(request, env, ctx);
    const calls = Number(url.searchParams.get("calls"));
    const target = new URL(url.searchParams.get("path"), url.origin).href;
    const method = url.searchParams.get("method");
    const body = method === "GET" ? undefined : await request.text();
    const statuses = {};
    for (let i = 0; i < calls; i++) {
      const response = await worker.fetch(new Request(target, { method, headers: request.headers, body }), env, ctx);
      await response.arrayBuffer();
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    }
    return Response.json(statuses);
  },
};
`;

const fixture = await startFixture(REPO_ROOT, {
  log: console.log,
  baseline: { script: join(REPO_ROOT, values.baseline), variant },
  wrapper,
});
try {
  await seed(fixture, { mixedKeyCount: 1000, log: console.log });
  const sides: [string, Target][] = [
    ["baseline", fixture.baseline as Target],
    ["current", fixture.targets[variant]],
  ];
  // The naive worker ignores the token and the query, and answers the same paths.
  if (values.naive) sides.push([scenario.naive ?? "naive", fixture.targets.naive]);
  const method = plan.kind === "get" ? "GET" : plan.kind === "put" ? "PUT" : "POST";
  const headers: Record<string, string> = {
    authorization: scenario.tenant === "prefixed" ? fixture.prefixedAuthorization : fixture.authorization,
  };
  if (plan.kind === "put") headers["content-type"] = plan.contentType;
  if (plan.kind === "post-json") headers["content-type"] = "application/json";
  const body = plan.kind === "get" ? undefined : plan.body;
  const loop = async (target: Target, calls: number) => {
    const query = new URLSearchParams({ calls: String(calls), path: plan.path, method });
    const before = processCpuMsPrecise(target.worker.pid) ?? 0;
    const response = await fetch(`${target.worker.url}/__loop?${query}`, { method: body ? "POST" : "GET", headers, body });
    const statuses = (await response.json()) as Record<string, number>;
    const cpuUs = ((processCpuMsPrecise(target.worker.pid) ?? 0) - before) * 1000;
    return { cpuUs: cpuUs / calls, statuses };
  };

  const perSide = new Map<string, number[]>(sides.map(([name]) => [name, []]));
  const ratios: number[] = [];
  const naiveRatios: number[] = [];
  for (const [, target] of sides) await loop(target, Number(values.calls));
  for (let round = 0; round < Number(values.rounds); round++) {
    const thisRound = new Map<string, number>();
    for (const [name, target] of round % 2 ? [...sides].reverse() : sides) {
      const { cpuUs, statuses } = await loop(target, Number(values.calls));
      if (round === 0) console.log(`${name}: statuses ${JSON.stringify(statuses)}`);
      thisRound.set(name, cpuUs);
      perSide.get(name)?.push(cpuUs);
    }
    ratios.push((thisRound.get("current") as number) / (thisRound.get("baseline") as number));
    const naive = sides[2] ? thisRound.get(sides[2][0]) : undefined;
    if (naive !== undefined) naiveRatios.push((thisRound.get("current") as number) / naive);
  }
  console.log(`\n${scenario.id}, ${values.rounds} rounds of ${values.calls} calls in the isolate`);
  for (const [name, cpu] of perSide) console.log(`${name.padEnd(9)} ${median(cpu).toFixed(1).padStart(7)} µs CPU per call (median)`);
  console.log(`current / baseline, per round: ${describeRatios(ratios)}`);
  if (naiveRatios.length > 0) console.log(`current / ${sides[2]?.[0]}, per round: ${describeRatios(naiveRatios)}`);
} finally {
  await fixture.stop();
}

// The interval, not the range, says whether a difference is real: rounds are short so that many
// of them interleave, which widens the range of single rounds without biasing their median.
function describeRatios(ratios: readonly number[]): string {
  const { low, high } = medianInterval(ratios);
  return `median ${median(ratios).toFixed(3)}× (95% CI ${low.toFixed(3)}-${high.toFixed(3)}), range ${Math.min(...ratios).toFixed(3)}-${Math.max(...ratios).toFixed(3)}`;
}
