/**
 * Does the L1's byte budget match the heap? Fills a MemoryStore with 10k realistic entries per
 * value size and compares `usage().bytes` with the growth of heapUsed + arrayBuffers (value bytes
 * of typed arrays over 64 B live outside the V8 heap). Adds a section to the newest
 * bench/results/l1-study-*.json and re-renders bench/L1-RESULTS.md.
 * Run: npx tsx bench/l1/memory.ts (restarts itself with --expose-gc).
 */
import { spawnSync } from "node:child_process";
import { realisticEntry } from "./entry-factory.ts";
import { describeEnvironment } from "./environment.ts";
import { median } from "./median.ts";
import { seededRandom } from "./prng.ts";
import type { MemoryRow, MemorySection } from "./results.ts";
import { latestResultsPath, readResults, writeResults } from "./results-file.ts";
import { loadSharedL1, type SharedL1 } from "./shared-l1.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  const child = spawnSync(process.execPath, ["--expose-gc", ...process.execArgv, ...process.argv.slice(1)], { stdio: "inherit" });
  process.exit(child.status ?? 1);
}
const collect = gc;

const ENTRIES = 10_000;
const VALUE_SIZES = [100, 1024, 10 * 1024];
const RUNS = 3;
const TARGET = 0.25;

function heapNow(): { heapUsed: number; arrayBuffers: number } {
  // Two passes: the first can leave objects whose finalizers free more on the second.
  collect();
  collect();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heapUsed, arrayBuffers };
}

interface Run {
  accounted: number;
  heapUsed: number;
  arrayBuffers: number;
  chars: number;
}

async function fillOnce(l1: SharedL1, valueBytes: number, seed: number): Promise<Run> {
  const random = seededRandom(seed);
  const tenants = ["acme", "globex-corp", "initech", "umbrella-eu-west"].map(l1.toTenantId);
  const before = heapNow();
  // A budget no fill reaches: every entry must stay so the heap holds exactly what is counted.
  const store = new l1.MemoryStore({ budgetBytes: 2 ** 40 });
  let chars = 0;
  const now = Date.now();
  for (let i = 0; i < ENTRIES; i++) {
    const { key, entry, chars: entryChars } = await realisticEntry(l1, tenants, valueBytes, random);
    store.put(key, entry, { checkedUntil: now + 1000, retainUntil: now + 360_000, durability: "memory" });
    chars += entryChars;
  }
  const after = heapNow();
  const usage = store.usage();
  if (usage.entries !== ENTRIES) throw new Error(`edge-cache bench: the store kept ${usage.entries} of ${ENTRIES} entries`);
  return {
    accounted: usage.bytes,
    heapUsed: after.heapUsed - before.heapUsed,
    arrayBuffers: after.arrayBuffers - before.arrayBuffers,
    chars,
  };
}

const l1 = await loadSharedL1();
const rows: (MemoryRow & { charsPerEntry: number })[] = [];
for (const valueBytes of VALUE_SIZES) {
  const runs: Run[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(await fillOnce(l1, valueBytes, 0x3e3 + run));
  const measuredBytes = median(runs.map((r) => r.heapUsed + r.arrayBuffers));
  const accountedBytes = median(runs.map((r) => r.accounted));
  const row = {
    valueBytes,
    entries: ENTRIES,
    accountedBytes,
    measuredBytes,
    ratio: Math.round((accountedBytes / measuredBytes) * 1000) / 1000,
    accountedPerEntry: Math.round(accountedBytes / ENTRIES),
    measuredPerEntry: Math.round(measuredBytes / ENTRIES),
    heapUsedBytes: median(runs.map((r) => r.heapUsed)),
    arrayBuffersBytes: median(runs.map((r) => r.arrayBuffers)),
    runs: RUNS,
    charsPerEntry: Math.round(median(runs.map((r) => r.chars)) / ENTRIES),
  };
  rows.push(row);
  console.log(
    `${valueBytes} B values: accounted ${row.accountedPerEntry} B/entry, measured ${row.measuredPerEntry} B/entry, ratio ${row.ratio}`,
  );
}

// Fit measured = value + chars + K: V8 keeps ASCII strings at one byte a character, so the fixed
// part K is what is left per entry once the value and the characters are taken out.
const fixed = Math.round(median(rows.map((r) => r.measuredPerEntry - r.valueBytes - r.charsPerEntry)));
const fixedWithDoubleChars = Math.round(median(rows.map((r) => r.measuredPerEntry - r.valueBytes - 2 * r.charsPerEntry)));
// How far the fitted formula would be from the measurements, so the suggestion carries its evidence.
const fittedWorst = Math.max(...rows.map((r) => Math.abs((r.valueBytes + r.charsPerEntry + fixed) / r.measuredPerEntry - 1)));
const offTarget = rows.some((r) => Math.abs(r.ratio - 1) > TARGET);
const fit =
  `measured ≈ value.byteLength + chars + ${fixed} B per entry (chars: UTF-16 code units of tenant, key, content type, etag and tags; ` +
  `V8 keeps ASCII strings at one byte a character), or equivalently, keeping the 2 * chars term, a fixed part of ${fixedWithDoubleChars} B`;
const suggestion = offTarget
  ? `Off by more than ${TARGET * 100}%: ${fit}. In shared/cache/entry.ts entryFootprint, replacing the constant 200 with ` +
    `${fixedWithDoubleChars} (or the formula with \`value.byteLength + chars + ${fixed}\`) puts every size within ${(fittedWorst * 100).toFixed(1)}% of measured.`
  : `Fitted for reference: ${fit}.`;

const section: MemorySection = {
  measuredAt: new Date().toISOString(),
  method:
    `${ENTRIES.toLocaleString("en")} entries per value size, each from the service's createEntry with a random 20-40 character key, ` +
    "one of four tenants, a content type, its etag and 0-2 tags, put into a fresh MemoryStore with an unreachable budget. " +
    "Measured: growth of heapUsed + arrayBuffers (Node, after two forced GCs) across the fill; median of " +
    `${RUNS} runs. Native bookkeeping of ArrayBuffer backing stores is in neither number, so the true cost is a little higher.`,
  rows: rows.map(({ charsPerEntry: _, ...row }) => row),
  suggestion,
};
const path = latestResultsPath();
const results = readResults(path);
writeResults(path, { ...results, environment: results.environment ?? describeEnvironment(), memory: section });
console.log(`${suggestion}\nwrote ${path} and bench/L1-RESULTS.md`);
