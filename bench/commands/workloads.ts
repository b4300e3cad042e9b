/** Which key a GET asks for, and whether an operation is a write, in each workload. */
export interface Workload {
  name: "hot-key" | "zipf" | "mixed";
  label: string;
  keys: number;
  /** Index of the next key, from a uniform random number in [0, 1). */
  pick(random: number): number;
  /** Share of operations that are writes (the rest are GETs). */
  writeShare: number;
}

/** Inverse CDF of a Zipf distribution over `n` ranks with exponent `s`, sampled by binary search. */
function zipf(n: number, s: number): (random: number) => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += 1 / (i + 1) ** s;
    cdf[i] = total;
  }
  return (random) => {
    const target = random * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((cdf[mid] as number) < target) low = mid + 1;
      else high = mid;
    }
    return low;
  };
}

export function workloads(scale: number): Workload[] {
  const zipfKeys = Math.round(10_000 * scale);
  const sampler = zipf(zipfKeys, 1.0);
  const hot = Math.round(1000 * scale);
  return [
    { name: "hot-key", label: `${hot.toLocaleString("en")} hot keys, uniform`, keys: hot, pick: (r) => Math.floor(r * hot), writeShare: 0 },
    { name: "zipf", label: `Zipf (s = 1.0) over ${zipfKeys.toLocaleString("en")} keys`, keys: zipfKeys, pick: sampler, writeShare: 0 },
    { name: "mixed", label: `Zipf over ${zipfKeys.toLocaleString("en")} keys, 10% writes`, keys: zipfKeys, pick: sampler, writeShare: 0.1 },
  ];
}
