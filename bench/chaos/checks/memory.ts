import type { FloodResult } from "../flood.ts";
import type { HealthSample } from "../samplers/health-sampler.ts";
import { type HeapSample, isolateBytes } from "../samplers/heap-sampler.ts";
import { type InvariantResult, invariant } from "./invariant.ts";

/** A Workers isolate's memory limit. */
export const ISOLATE_MEMORY_BYTES = 128 * 1000 * 1000;

const mib = (bytes: number | undefined) => (bytes === undefined ? "n/a" : `${(bytes / 2 ** 20).toFixed(0)} MiB`);

/**
 * Gets whose answer the README allows: the value; 503 while this isolate holds no copy and Redis
 * does not answer in time; a miss for a memory-only (202) value once evicted.
 */
const ALLOWED_GETS = new Set(["201 → 200", "201 → 503", "202 → 200", "202 → 404", "202 → 503"]);

function peak(samples: readonly HeapSample[]): HeapSample | undefined {
  return samples.reduce<HeapSample | undefined>((top, s) => (!top || isolateBytes(s) > isolateBytes(top) ? s : top), undefined);
}

/**
 * Under a flood of 1 MiB values the isolate retains less than 128 MB (V8 heap plus ArrayBuffer
 * contents, after forced full collections, read over the inspector), L1 stays within its budget,
 * and every value comes back intact. The peak before collection (garbage included) and
 * workerd's RSS are reported, not judged: a deployed isolate is collected before it is judged,
 * and RSS is the whole process with the allocator's retained pages.
 */
export function checkMemoryPressure(
  flood: FloodResult,
  health: readonly HealthSample[],
  heap: readonly HeapSample[],
  budgetBytes: number,
): InvariantResult {
  const failures: string[] = [];
  for (const [status, n] of Object.entries(flood.puts))
    if (status !== "201" && status !== "202") failures.push(`${n} flood puts answered ${status}`);
  for (const [label, n] of Object.entries(flood.gets))
    if (!ALLOWED_GETS.has(label)) failures.push(`${n} flood gets answered ${label} (put → get)`);
  failures.push(...flood.corrupt);
  const l1Peak = Math.max(0, ...health.map((s) => s.l1Bytes ?? 0));
  if (l1Peak > budgetBytes) failures.push(`L1 reached ${l1Peak} bytes > ${budgetBytes}`);
  const floodRetained = heap.filter((s) => s.afterGc && s.phase === "flood");
  const retained = peak(floodRetained);
  const observed = peak(heap.filter((s) => !s.afterGc));
  if (!retained) failures.push("the isolate's heap could not be read after collection");
  else if (isolateBytes(retained) >= ISOLATE_MEMORY_BYTES) failures.push(`isolate retained ${mib(isolateBytes(retained))} ≥ 128 MB`);
  const puts = Object.values(flood.puts).reduce((a, b) => a + b, 0);
  const gets = Object.entries(flood.gets)
    .map(([label, n]) => `${label}: ${n}`)
    .join(", ");
  return invariant(
    "memory",
    "1 MiB flood: isolate retains < 128 MB (heap + ArrayBuffers after GC), L1 within budget, values intact",
    puts + floodRetained.length,
    failures,
    `${puts} × 1 MiB in ${(flood.durationMs / 1000).toFixed(1)} s (put → get: ${gets}); ` +
      `retained peak ${mib(retained && isolateBytes(retained))} (heap ${mib(retained?.usedSize)} + buffers ${mib(retained?.backingStorageSize)}, ${floodRetained.length} samples); ` +
      `before collection up to ${mib(observed && isolateBytes(observed))}; L1 peak ${mib(l1Peak)} / ${mib(budgetBytes)}; ` +
      `workerd RSS ${mib(flood.rss.before)} → ${mib(flood.rss.peak)} → ${mib(flood.rss.after)}`,
  );
}
