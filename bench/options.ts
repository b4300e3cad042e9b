import { parseArgs } from "node:util";
import type { LoadGeneratorName } from "./http/load-choice.ts";

export interface BenchOptions {
  /** A few seconds per scenario, one repetition, nothing written: proves every scenario runs. */
  smoke: boolean;
  durationSeconds: number;
  warmupSeconds: number;
  reps: number;
  connections: number[];
  latencyMs: number;
  mixedKeyCount: number;
  only: string[];
  /** wrk for every scenario it can send (default), or autocannon for all, as runs before wrk were. */
  load: LoadGeneratorName;
  /** Skip the L1 study and memory check (bench/l1), reusing their newest results. */
  skipL1: boolean;
  /** Skip the bundle measurement (bench/bundle), reusing its newest results. */
  skipBundle: boolean;
  /** Also write the run's summary JSON here (the smoke test reads it). */
  reportPath: string | undefined;
  /** Measure nothing: re-render RESULTS.md, the chart and the verdicts from the newest results file. */
  render: boolean;
}

export const USAGE = `npm run bench [-- options]

  --smoke               ~1 s per scenario, 1 repetition, HTTP scenarios only, writes no results
  --duration <s>        measured seconds per run (default 10; smoke 1)
  --warmup <s>          unmeasured seconds before each run (default 3; smoke 0.3)
  --reps <n>            repetitions of every run (default 3; smoke 1)
  --connections <list>  concurrencies (default 1,32; smoke 8)
  --latency <ms>        gateway latency of the slow-Redis repeat (default 25)
  --mixed-keys <n>      key space of the mixed scenario (default 100000; smoke 1000)
  --only <ids>          scenario ids, comma separated (default all)
  --load <wrk|autocannon>
                        load generator: wrk for every scenario it can send, autocannon for the
                        mixed one (default wrk); autocannon for all, as results before wrk were
  --skip-l1             reuse the newest L1 study instead of rerunning bench/l1
  --skip-bundle         reuse the newest bundle measurement instead of rerunning bench/bundle
  --report <path>       also write the run summary JSON to <path>
  --render              measure nothing: re-render RESULTS.md and the chart from the newest results
  --scale               instead, the scale benchmark and noisy-neighbour scenario only (bench/SCALE.md);
                        its options: npm run bench -- --scale --help
  --migrate             instead, the migration benchmark only (npm run migrate at 100k and 1M keys,
                        bench/MIGRATE.md); its options: npm run bench -- --migrate --help
`;

/** `--scale` runs bench/scale instead, with options of its own (bench/scale/options.ts). */
export function isScaleRun(argv: readonly string[]): boolean {
  return argv.includes("--scale");
}

/** `--migrate` runs bench/migrate instead, with options of its own (bench/migrate/options.ts). */
export function isMigrateRun(argv: readonly string[]): boolean {
  return argv.includes("--migrate");
}

/** `--commands` runs bench/commands instead: Redis commands per 1,000 served GETs. */
export function isCommandsRun(argv: readonly string[]): boolean {
  return argv.includes("--commands");
}

/** `--l2-move` runs bench/l2-move instead: the backfill of a live move between two L2 databases. */
export function isL2MoveRun(argv: readonly string[]): boolean {
  return argv.includes("--l2-move");
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      smoke: { type: "boolean", default: false },
      duration: { type: "string" },
      warmup: { type: "string" },
      reps: { type: "string" },
      connections: { type: "string" },
      latency: { type: "string" },
      "mixed-keys": { type: "string" },
      only: { type: "string" },
      load: { type: "string", default: "wrk" },
      "skip-l1": { type: "boolean", default: false },
      "skip-bundle": { type: "boolean", default: false },
      report: { type: "string" },
      render: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const smoke = values.smoke;
  const number = (raw: string | undefined, fallback: number, name: string) => {
    const parsed = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(parsed) || parsed <= 0) throw new Error(`edge-cache bench: --${name} must be a positive number`);
    return parsed;
  };
  return {
    smoke,
    durationSeconds: number(values.duration, smoke ? 1 : 10, "duration"),
    warmupSeconds: number(values.warmup, smoke ? 0.3 : 3, "warmup"),
    reps: Math.round(number(values.reps, smoke ? 1 : 3, "reps")),
    // The smoke proves each scenario runs; one concurrency, with some requests in flight, is enough for that.
    connections: (values.connections ?? (smoke ? "8" : "1,32")).split(",").map((c) => Math.round(number(c, 1, "connections"))),
    latencyMs: number(values.latency, 25, "latency"),
    mixedKeyCount: Math.round(number(values["mixed-keys"], smoke ? 1000 : 100_000, "mixed-keys")),
    only: values.only ? values.only.split(",").map((id) => id.trim()) : [],
    load: loadGeneratorName(values.load),
    skipL1: smoke || values["skip-l1"],
    skipBundle: smoke || values["skip-bundle"],
    reportPath: values.report,
    render: values.render,
  };
}

function loadGeneratorName(raw: string | undefined): LoadGeneratorName {
  if (raw === "wrk" || raw === "autocannon") return raw;
  throw new Error("edge-cache bench: --load must be wrk or autocannon");
}
