import { parseArgs } from "node:util";

export interface ChaosOptions {
  mode: "short" | "long";
  baselineSeconds: number;
  outageSeconds: number;
  recoverySeconds: number;
  /** Virtual users per ordinary tenant (three tenants), plus two on the metered tenant. */
  usersPerTenant: number;
  /** Pause between two requests of one virtual user, ms. */
  thinkMs: [number, number];
  floodValues: number;
  floodConcurrency: number;
  /** Also write the results JSON here. */
  out: string | undefined;
  /** Rewrite the figures section of bench/CHAOS.md (long mode's default). */
  updateDoc: boolean;
  /** Write every request record and key event here, one JSON per line, for diagnosis. */
  dump: string | undefined;
}

export const USAGE = `npm run chaos [-- options]

Drives the real stack (workerd via Miniflare, the gateway, redis-server) with concurrent traffic
from several tenants while it kills Redis and breaks its path, then checks the invariants (see
bench/CHAOS.md). Exits non-zero when any is violated.

  --long        ~3 minutes of load (about 4 in all); writes bench/chaos/results/long.json and
                the figures in bench/CHAOS.md
  --short       (the default) short mode, run by npm test: under 2 minutes, writes nothing
  --out <path>  also write the results JSON to <path> (relative to the repository)
  --no-doc      in long mode, leave bench/CHAOS.md alone
  --dump <path> write every request, key event and sample as JSON lines, for diagnosis

  CHAOS_WORKER_LOG_LEVEL=error  the worker logs each 5xx (records keep its X-Request-Id)
`;

export function parseChaosOptions(argv: readonly string[]): ChaosOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      long: { type: "boolean", default: false },
      short: { type: "boolean", default: false },
      out: { type: "string" },
      "no-doc": { type: "boolean", default: false },
      dump: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.long && values.short) throw new Error("chaos: --long and --short exclude each other");
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const common = { usersPerTenant: 4, thinkMs: [15, 45] as [number, number], floodConcurrency: 4, out: values.out, dump: values.dump };
  return values.long
    ? {
        ...common,
        mode: "long",
        baselineSeconds: 10,
        outageSeconds: 8,
        recoverySeconds: 7,
        floodValues: 320,
        out: values.out ?? "bench/chaos/results/long.json",
        updateDoc: !values["no-doc"],
      }
    : { ...common, mode: "short", baselineSeconds: 4, outageSeconds: 3, recoverySeconds: 3, floodValues: 80, updateDoc: false };
}
