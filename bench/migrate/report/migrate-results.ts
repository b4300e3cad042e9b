import type { Environment } from "../../l1/results.ts";
import type { CliProfile } from "../measure/cli-profile.ts";
import type { CopyRun } from "../measure/copy-run.ts";
import type { MigrateVerdicts } from "./migrate-verdicts.ts";

/** bench/results/migrate-<date>.json: every copy as measured, and the verdicts derived from it. */
export interface MigrateResults {
  measuredAt: string;
  /** Wall time of the whole run, build and seeding included. */
  durationSeconds: number;
  environment: Environment;
  versions: Record<string, string>;
  compatibilityDate: string;
  method: {
    sizes: number[];
    batchSize: number;
    concurrency: number;
    valueBytes: number;
    /** Original over gzipped size of a sample of the values. */
    valueGzipRatio: number;
    /** The tenant's L2 storage budget, raised through the admin API before the copy. */
    storageBytes: number;
    sampleMs: number;
    /** `node --import tsx tools/migrate/main.ts --help`, spawn to exit: the start-up inside every wall time. */
    cliStartupSeconds: number;
  };
  runs: CopyRun[];
  /** A further copy with the CLI under `node --cpu-prof` (not among the measured runs). */
  cliProfile?: CliProfile;
  verdicts: MigrateVerdicts;
}

export type MeasuredMigrate = Omit<MigrateResults, "verdicts">;
