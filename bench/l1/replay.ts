import type { L1Policy } from "./policy.ts";

export interface ReplayResult {
  /** Hits at or after the warm-up index. */
  hits: number;
  /** Hits over the whole trace, warm-up included. */
  hitsWithWarmup: number;
  sets: number;
  elapsedMs: number;
}

type ReplayLoop = (policy: L1Policy<number>, ids: Int32Array, keys: string[], warmup: number) => number[];

// The loop is compiled once per policy: a single shared loop would see every policy class at its
// get/set call sites and time V8's megamorphic dispatch instead of the policies. In the service
// the L1's call sites only ever see SieveCache.
const LOOP_SOURCE = `
  let hits = 0, hitsWithWarmup = 0, sets = 0;
  for (let i = 0; i < ids.length; i++) {
    const key = keys[ids[i]];
    if (policy.get(key) !== undefined) {
      hitsWithWarmup++;
      if (i >= warmup) hits++;
    } else {
      policy.set(key, 1, 1);
      sets++;
    }
  }
  return [hits, hitsWithWarmup, sets];
`;

const loops = new Map<string, ReplayLoop>();

/** Demand fill, as the L1 is used: a get, and a set of the loaded value on a miss. */
export function replay(name: string, policy: L1Policy<number>, ids: Int32Array, keys: string[], warmup: number): ReplayResult {
  let loop = loops.get(name);
  if (!loop) {
    loop = new Function("policy", "ids", "keys", "warmup", LOOP_SOURCE) as ReplayLoop;
    loops.set(name, loop);
  }
  const started = performance.now();
  const [hits = 0, hitsWithWarmup = 0, sets = 0] = loop(policy, ids, keys, warmup);
  return { hits, hitsWithWarmup, sets, elapsedMs: performance.now() - started };
}
