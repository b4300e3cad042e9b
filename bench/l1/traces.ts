import { type Random, seededRandom } from "./prng.ts";

export interface Workload {
  id: string;
  label: string;
  /** Zipf skew: the probability of the key of popularity rank r is proportional to 1 / r^alpha. */
  alpha: number;
  /** Share of requests that belong to one-off scans (keys requested exactly once). @default 0 */
  scanShare?: number;
}

export interface TraceOptions {
  /** Distinct keys of the Zipf population. */
  keyCount: number;
  /** Requests in the trace, warm-up included. */
  length: number;
  seed: number;
  /** Consecutive one-off keys per scan burst. @default 100 */
  scanLength?: number;
}

export interface Trace {
  /** Key id per request; ids >= keyCount are scan keys. */
  ids: Int32Array;
  /** The string key of each id, built once so no policy pays for building strings. */
  keys: string[];
}

/** Samples ranks 0..n-1 by inverse CDF (binary search over cumulative weights). */
export function zipfSampler(n: number, alpha: number, random: Random): () => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let rank = 0; rank < n; rank++) {
    total += 1 / (rank + 1) ** alpha;
    cdf[rank] = total;
  }
  return () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/**
 * A Zipf trace, optionally interleaved with scan bursts of never-repeated keys. A burst starts
 * before a request with probability q; with bursts of L keys the scan share is qL / (qL + 1 - q),
 * so q = s / (L (1 - s) + s) gives share s in expectation.
 */
export function buildTrace(workload: Workload, options: TraceOptions): Trace {
  const random = seededRandom(options.seed);
  const zipf = zipfSampler(options.keyCount, workload.alpha, random);
  const share = workload.scanShare ?? 0;
  const scanLength = options.scanLength ?? 100;
  const burstChance = share > 0 ? share / (scanLength * (1 - share) + share) : 0;
  const ids = new Int32Array(options.length);
  let nextScanId = options.keyCount;
  for (let i = 0; i < ids.length; ) {
    if (burstChance > 0 && random() < burstChance) {
      for (let j = 0; j < scanLength && i < ids.length; j++) ids[i++] = nextScanId++;
    } else {
      ids[i++] = zipf();
    }
  }
  // Key strings of realistic length; a hot key is not a short key.
  const keys = Array.from({ length: nextScanId }, (_, id) => `${id < options.keyCount ? "obj" : "scan"}/items/${id}`);
  return { ids, keys };
}
