import type { RequestPlan } from "./request-plan.ts";

/** One load run, sent from the harness to the load process. */
export interface LoadJob {
  id: number;
  /** Worker origin, http://127.0.0.1:<port>. */
  url: string;
  connections: number;
  /** Run for this long, then drop what is in flight (warm-ups, and every wrk run). */
  durationSeconds?: number;
  /**
   * autocannon only, and before the duration: stop after this many responses, each connection
   * finishing its share, so every request sent was answered and its Redis requests are all in the
   * count. wrk cannot stop at a count and runs for the duration.
   */
  amount?: number;
  plan: RequestPlan;
  headers: Record<string, string>;
}

/** What the load process measured. Latencies in milliseconds, of every response received. */
export interface LoadResult {
  /** The load generator that sent the run. */
  generator: "wrk" | "autocannon";
  /**
   * Requests written. Those still in flight when the run stopped got no response here, but the
   * worker served them and their Redis requests were counted: per-operation counts divide by this.
   */
  sent: number;
  /** Responses received (any status). */
  responses: number;
  /** Responses with a 2xx status. */
  ok: number;
  /** Socket errors, timeouts and non-2xx responses. */
  errors: number;
  statusCodes: Record<string, number>;
  /** How responses say they were served (outcomes.ts): X-Cache values, write durability, batch statuses. */
  outcomes: Record<string, number>;
  /** Wall time of the run, seconds. */
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
}

export type LoadMessage = { id: number; result: LoadResult } | { id: number; error: string };
