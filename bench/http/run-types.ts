import type { LoadResult } from "./load-types.ts";

/** One measured run of one scenario at one concurrency and gateway latency. */
export interface RunRecord {
  scenario: string;
  /** An edge-cache worker (stats flushes and token checks are counted). */
  edgeCache: boolean;
  connections: number;
  /** Added gateway latency, ms (0: none). */
  latencyMs: number;
  rep: number;
  load: LoadResult;
  /** Requests the worker's gateway scope received during the measured run (all causes). */
  gatewayRequests: number;
  gatewayCommands: Record<string, number>;
  /** Token re-verifications: calls of the resolve-token script the gateway received. */
  tokenChecks: number;
  /** edge-cache stats flushes during the measured run (each is one gateway request); 0 elsewhere. */
  statsFlushes: number;
  /** Commands Redis ran during the measured run, those inside scripts included (INFO commandstats). */
  redisCalls: Record<string, number>;
  /**
   * CPU time of the worker's workerd process over the measured run (and the settling after it),
   * ms; undefined where /proc is not available.
   */
  workerCpuMs: number | undefined;
  /** CPU the redis-server process spent over the measured run (scripts included), ms; shared by every worker's requests. */
  redisCpuMs?: number | undefined;
  /** 1-minute load average before and after: other work on the machine shows here. */
  loadAverage: [number, number];
}
