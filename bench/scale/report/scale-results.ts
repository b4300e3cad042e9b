import type { Environment } from "../../l1/results.ts";
import type { CostSuiteResult } from "../cost-suite.ts";
import type { NoisyResults } from "../noisy/noisy-run.ts";
import type { FloodRates } from "../options.ts";
import type { NoisyVerdicts } from "./noisy-verdicts.ts";
import type { OperationVerdict } from "./summarize.ts";

/** bench/results/scale-<date>.json: everything measured, and the verdicts derived from it. */
export interface ScaleResults {
  measuredAt: string;
  /** Wall time of the whole run, build included. */
  durationSeconds: number;
  environment: Environment;
  versions: Record<string, string>;
  compatibilityDate: string;
  method: {
    sizes: number[];
    reps: number;
    dataSamples: number;
    /** Ticks with the every-minute plans due, per variant and size. */
    dueTickReps: number;
    seedConcurrency: number;
    /** Worker vars over wrangler.toml's in the cost suite. */
    costVars: Record<string, string>;
    queueTiming: { deliveryDelaySeconds: number; batchTimeoutSeconds: number };
    latencyNoise: { ratio: number; ms: number };
    noisy: { tenants: number; rounds: number; seconds: number; steadyRate: number; flood: FloodRates; p99TargetRatio: number };
  };
  cost?: CostSuiteResult & { operations: OperationVerdict[] };
  noisy?: NoisyResults & { verdicts: NoisyVerdicts };
}

/** What the harness measured, before summaries and verdicts are derived from it. */
export type MeasuredScale = Omit<ScaleResults, "cost" | "noisy"> & { cost?: CostSuiteResult; noisy?: NoisyResults };
