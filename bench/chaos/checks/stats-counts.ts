import type { StatsSample } from "../samplers/stats-sampler.ts";
import { TALLIED, type TalliedCounter } from "../traffic/stats-tally.ts";
import { type InvariantResult, invariant } from "./invariant.ts";

/** Byte counters depend on bodies the client reads only at the end of a request: compared at rest only. */
const COUNTS: readonly TalliedCounter[] = TALLIED.filter((name) => !name.startsWith("bytes"));

/**
 * /v1/stats never counts more than happened: during the run, each counter at most the completed
 * requests' counts plus what in-flight requests could add; at rest, at most exactly the client's
 * tally. A retried, double-applied flush would show as an over-count.
 */
export function checkStatsNeverOverCount(during: readonly StatsSample[], atRest: readonly StatsSample[]): InvariantResult {
  const failures: string[] = [];
  let checked = 0;
  for (const sample of during) {
    for (const name of COUNTS) {
      checked++;
      const bound = sample.completed[name] + sample.inFlight[name];
      if (sample.counters[name] > bound) failures.push(`${sample.phase}: ${sample.tenant} ${name} ${sample.counters[name]} > ${bound}`);
    }
  }
  const rest: string[] = [];
  for (const sample of atRest) {
    for (const name of TALLIED) {
      checked++;
      const expected = sample.completed[name];
      const got = sample.counters[name];
      if (got > expected) failures.push(`at rest: ${sample.tenant} ${name} ${got} > ${expected}`);
      if (got !== expected) rest.push(`${sample.tenant}.${name} ${got} vs ${expected}`);
    }
  }
  const sets = atRest.reduce((sum, s) => sum + s.counters.sets, 0);
  const expectedSets = atRest.reduce((sum, s) => sum + s.completed.sets, 0);
  return invariant(
    "stats",
    "stats never over-count (GET /v1/stats vs requests made; mid-run with in-flight bound, exact at rest)",
    checked,
    failures,
    `${during.length} mid-run samples; at rest sets ${sets}/${expectedSets}` +
      (rest.length > 0 ? `; differs: ${rest.slice(0, 4).join(", ")}` : "; every counter exact"),
  );
}
