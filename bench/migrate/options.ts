import { parseArgs } from "node:util";

export interface MigrateBenchOptions {
  /** 2,000 keys, nothing written but `--report`: proves the harness and the CLI run end to end. */
  smoke: boolean;
  /** Keys seeded into the legacy Redis, one copy per size, each into a fresh edge-cache. */
  sizes: number[];
  /** The CLI's --batch-size. */
  batchSize: number;
  /** The CLI's --concurrency. */
  concurrency: number;
  /** How often each process's CPU and the CLI's RSS are read during a copy. */
  sampleMs: number;
  /**
   * After the measured copies, one more of this many keys with the CLI under `node --cpu-prof`, to
   * say where its CPU goes (undefined: none; the smoke profiles nothing).
   */
  profileKeys: number | undefined;
  /** Also write the results JSON here (the smoke test reads it). */
  reportPath: string | undefined;
  /** Serve this bundle instead of building the checkout (e.g. an older commit's, for comparison). */
  bundlePath: string | undefined;
  /** Measure nothing: re-render bench/MIGRATE.md from the newest bench/results/migrate-<date>.json. */
  render: boolean;
}

export const MIGRATE_USAGE = `npm run bench -- --migrate [options]

Seeds a legacy redis-server with 1 KiB text values (with TTLs), copies it with the migration CLI
(npm run migrate, as a child process) into a local edge-cache (the bundled Worker in Miniflare, the
Upstash-compatible gateway and a redis-server of its own), and measures keys/s, HTTP requests per
key, the CLI's peak RSS and every process's CPU. Writes bench/results/migrate-<date>.json and
bench/MIGRATE.md.

  --smoke               2,000 keys; writes no results
  --sizes <list>        keys per copy, comma separated (default 100000,1000000; smoke 2000)
  --batch-size <n>      the CLI's --batch-size (default 100)
  --concurrency <n>     the CLI's --concurrency (default 4)
  --skip-profile        no extra copy of the smallest size with the CLI under node --cpu-prof
  --report <path>       also write the results JSON to <path>
  --bundle <path>       serve this worker bundle (under the repository) instead of building the checkout
  --render              measure nothing: re-render bench/MIGRATE.md from the newest results
`;

export function parseMigrateOptions(argv: readonly string[]): MigrateBenchOptions {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== "--migrate"),
    options: {
      smoke: { type: "boolean", default: false },
      sizes: { type: "string" },
      "batch-size": { type: "string" },
      concurrency: { type: "string" },
      "skip-profile": { type: "boolean", default: false },
      report: { type: "string" },
      bundle: { type: "string" },
      render: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(MIGRATE_USAGE);
    process.exit(0);
  }
  const smoke = values.smoke;
  const positive = (raw: string | undefined, fallback: number, name: string): number => {
    const parsed = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`edge-cache bench: --${name} must be a positive integer`);
    return parsed;
  };
  const sizes = (values.sizes ?? (smoke ? "2000" : "100000,1000000")).split(",").map((size) => positive(size.trim(), 1, "sizes"));
  const sorted = [...new Set(sizes)].sort((a, b) => a - b);
  return {
    smoke,
    sizes: sorted,
    // The CLI checks its own ranges (1-100, 1-32) and says so: the harness passes them through.
    batchSize: positive(values["batch-size"], 100, "batch-size"),
    concurrency: positive(values.concurrency, 4, "concurrency"),
    // A smoke copy takes a second or two: sample often enough to see it at all.
    sampleMs: smoke ? 100 : 1000,
    profileKeys: smoke || values["skip-profile"] ? undefined : sorted[0],
    reportPath: values.report,
    bundlePath: values.bundle,
    render: values.render,
  };
}
