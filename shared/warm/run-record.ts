/**
 * What one invocation of a plan did, as `GET /v1/warm/runs` shows it. A plan larger than one
 * invocation's budget is run in chunks that share a `runId`; each chunk is one record, and the
 * last has `finished: true`. Errors carry the key, a reason and a status code: never a URL (it
 * may hold a token), a header or a value.
 */
export interface WarmRunRecord {
  runId: string;
  plan: string;
  trigger: "cron" | "manual";
  /** When the run (its first chunk) started, ms since the epoch. */
  runStartedAt: number;
  /** This chunk. */
  startedAt: number;
  endedAt: number;
  /** Target indexes this chunk covered: [from, to). */
  from: number;
  to: number;
  total: number;
  ok: number;
  notModified: number;
  failed: number;
  skipped: number;
  /** Bytes downloaded from origins. */
  bytes: number;
  /** Up to MAX_ERROR_SAMPLES failures. */
  errors: WarmError[];
  finished: boolean;
  /** Where the next chunk resumes; null when finished. */
  cursor: number | null;
  /** Set when the chunk stopped early; what is left is resumed from the cursor. */
  stoppedBy?: "budget" | "time" | "store_unavailable";
  /** The lease expired before the chunk ended: its cursor was not saved, the work is redone. */
  leaseLost?: true;
}

export interface WarmError {
  key: string;
  reason: string;
  status?: number;
}

export const MAX_ERROR_SAMPLES = 5;
/** Runs kept per plan. */
export const MAX_RUNS_KEPT = 50;

export function addError(record: WarmRunRecord, error: WarmError): void {
  if (record.errors.length < MAX_ERROR_SAMPLES) record.errors.push(error);
}
