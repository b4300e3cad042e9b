/** What one paced load run sends: the harness describes it, wrk and paced.lua send it. */
export type PacedPlan =
  | {
      /** GETs and PUTs of `<keyPrefix><n>`, n uniform in [0, keyCount), from one seeded stream. */
      kind: "steady-mix";
      keyPrefix: string;
      keyCount: number;
      /** Share of requests that are PUTs. */
      putShare: number;
      seed: number;
      body: string;
      contentType: string;
      /** Appended to a PUT's path, e.g. a TTL longer than the run. */
      putQuery: string;
    }
  /** GETs of `path`, each with a token made up for it (valid checksum, never issued). */
  | { kind: "fake-tokens"; path: string }
  /** The same GET again and again. */
  | { kind: "repeat-get"; path: string }
  /** POST /v1/batch setting `values` random binary values of `valueBytes` each, sent as base64. */
  | { kind: "oversized-batch"; values: number; valueBytes: number };

export interface PacedJob {
  /** Worker origin, http://127.0.0.1:<port>. */
  url: string;
  connections: number;
  /** Requests per second over all connections, while answers are much faster than the pace. */
  ratePerSecond: number;
  durationSeconds: number;
  plan: PacedPlan;
  headers: Record<string, string>;
}

export interface PacedResult {
  sent: number;
  responses: number;
  /** 2xx responses. */
  ok: number;
  statusCodes: Record<string, number>;
  /** Answers by status and, for a JSON error, its code: `200`, `429 rate_limited`. */
  answers: Record<string, number>;
  /** How responses say they were served, named as bench/http/outcomes.ts names them: X-Cache values, write durability. */
  outcomes: Record<string, number>;
  /** Socket errors and timeouts (no response). */
  failures: number;
  seconds: number;
  /** Responses per second actually achieved. */
  achievedRate: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}
