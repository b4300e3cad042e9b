import { parseArgs } from "node:util";

/** Paced rates of tenant A's flood, per second; each stream runs from its own connections. */
export interface FloodRates {
  /** Batches of 8 × 1 MiB binary values (encoded, over the L2 request limit). */
  oversizedBatches: number;
  /** Requests with made-up tokens (valid checksum, a new one each time) from one client id. */
  fakeTokens: number;
  /** A's own rate limit (requests per second); it sends `rateLimitMultiple` times that. */
  rateLimitPerSecond: number;
  rateLimitMultiple: number;
  /** Seconds between two cron ticks triggered during the flood. */
  tickEverySeconds: number;
}

export interface ScaleOptions {
  /** 10 and 100 tenants, short noisy phases, nothing written but `--report`. */
  smoke: boolean;
  sizes: number[];
  /** Fresh isolates per size: each cold measurement is taken once per repetition. */
  reps: number;
  /** GETs and PUTs per repetition (their p95 means something). */
  dataSamples: number;
  /** Ticks with the every-minute plans due, per variant; each waits for a new minute. */
  dueTickReps: number;
  /** Concurrent admin requests while seeding. */
  seedConcurrency: number;
  suites: { cost: boolean; noisy: boolean };
  noisy: {
    tenants: number;
    /** Solo and flood runs alternate this many times; medians over rounds are compared. */
    rounds: number;
    seconds: number;
    /** Tenant B's steady request rate, per second. */
    steadyRate: number;
    /** After the rounds, B beside each of A's streams alone. */
    attribution: boolean;
    flood: FloodRates;
  };
  /** Also write the results JSON here (the smoke test reads it). */
  reportPath: string | undefined;
  /** Serve this bundle instead of building the checkout (e.g. an older commit's, for comparison). */
  bundlePath: string | undefined;
  /** Measure nothing: re-render bench/SCALE.md from the newest bench/results/scale-<date>.json. */
  render: boolean;
}

export const SCALE_USAGE = `npm run bench -- --scale [options]

Seeds 10, 1,000 and 10,000 tenants through the admin API (tokens, origins, warm plans) and measures,
at each size, the gateway requests and latency of a cold CORS preflight, a cron tick (with and
without a queue binding), token verification (known, unknown, revoked) and a 1 KiB GET and PUT;
then the noisy-neighbour scenario. Writes bench/results/scale-<date>.json and bench/SCALE.md.

  --smoke               10 and 100 tenants, 1 repetition, short noisy phases; writes no results
  --sizes <list>        tenant counts, comma separated (default 10,1000,10000; smoke 10,100)
  --reps <n>            repetitions of every cold measurement (default 9; smoke 1)
  --samples <n>         GETs and PUTs per repetition, at most 100 (default 20; smoke 5)
  --seed-concurrency <n> admin requests in flight while seeding (default 8)
  --only <suite>        cost | noisy (default both)
  --noisy-seconds <s>   length of each solo and flood run (default 20; smoke 2)
  --noisy-rounds <n>    solo/flood pairs (default 3; smoke 1)
  --steady-rate <n>     tenant B's requests per second (default 100; smoke 50)
  --report <path>       also write the results JSON to <path>
  --bundle <path>       serve this worker bundle (under the repository) instead of building the
                        checkout: e.g. an older commit's \`wrangler deploy --dry-run\` output, to compare
  --render              measure nothing: re-render bench/SCALE.md from the newest results
`;

export function parseScaleOptions(argv: readonly string[]): ScaleOptions {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== "--scale"),
    options: {
      smoke: { type: "boolean", default: false },
      sizes: { type: "string" },
      reps: { type: "string" },
      samples: { type: "string" },
      "seed-concurrency": { type: "string" },
      only: { type: "string" },
      "noisy-seconds": { type: "string" },
      "noisy-rounds": { type: "string" },
      "steady-rate": { type: "string" },
      report: { type: "string" },
      bundle: { type: "string" },
      render: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(SCALE_USAGE);
    process.exit(0);
  }
  const smoke = values.smoke;
  const positive = (raw: string | undefined, fallback: number, name: string): number => {
    const parsed = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(parsed) || parsed <= 0) throw new Error(`edge-cache bench: --${name} must be a positive integer`);
    return parsed;
  };
  const only = values.only;
  if (only !== undefined && only !== "cost" && only !== "noisy") throw new Error("edge-cache bench: --only must be cost or noisy");
  const dataSamples = positive(values.samples, smoke ? 5 : 20, "samples");
  // The values to GET are written in one batch.
  if (dataSamples > 100) throw new Error("edge-cache bench: --samples must be at most 100");
  const sizes = (values.sizes ?? (smoke ? "10,100" : "10,1000,10000")).split(",").map((size) => positive(size.trim(), 1, "sizes"));
  return {
    smoke,
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    // Cold requests in a fresh isolate now and then take several times their usual time (JIT,
    // the machine's other work): nine samples keep the median clear of up to four of those.
    reps: positive(values.reps, smoke ? 1 : 9, "reps"),
    dataSamples,
    // Each waits for a new minute: a few, not nine. The smoke measures none.
    dueTickReps: smoke ? 0 : 3,
    seedConcurrency: positive(values["seed-concurrency"], 8, "seed-concurrency"),
    suites: { cost: only !== "noisy", noisy: only !== "cost" },
    noisy: {
      tenants: smoke ? 20 : 100,
      rounds: positive(values["noisy-rounds"], smoke ? 1 : 3, "noisy-rounds"),
      seconds: positive(values["noisy-seconds"], smoke ? 2 : 20, "noisy-seconds"),
      steadyRate: positive(values["steady-rate"], smoke ? 50 : 100, "steady-rate"),
      attribution: !smoke,
      flood: { oversizedBatches: 1, fakeTokens: 50, rateLimitPerSecond: 10, rateLimitMultiple: 10, tickEverySeconds: smoke ? 1 : 5 },
    },
    reportPath: values.report,
    bundlePath: values.bundle,
    render: values.render,
  };
}
