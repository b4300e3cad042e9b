/** Everything the cost suite measures at each size, in report order. */
export const OPERATIONS = [
  { id: "preflight-tenant-origin", label: "cold CORS preflight, a tenant's origin", expect: "204" },
  { id: "preflight-token-origin", label: "cold CORS preflight, a token's own origin", expect: "204" },
  { id: "preflight-unknown-origin", label: "cold CORS preflight, an unknown origin", expect: "403" },
  { id: "token-known", label: "token verification, known (first use in the isolate; GET of a missing key)", expect: "404" },
  { id: "token-unknown", label: "token verification, unknown (valid checksum, never issued)", expect: "401" },
  { id: "token-revoked", label: "token verification, revoked", expect: "401" },
  { id: "put", label: "PUT 1 KiB (token verified)", expect: "201" },
  { id: "get-l2", label: "GET 1 KiB from L2 (token verified, not in L1)", expect: "200" },
  { id: "tick-inline", label: "cron tick, nothing due, no queue binding", expect: "ok" },
  { id: "tick-queue", label: "cron tick, nothing due, queue binding", expect: "ok" },
  { id: "tick-inline-due", label: "cron tick, every-minute plans due, no queue binding (they run in the tick)", expect: "ok" },
  { id: "tick-queue-due", label: "cron tick, every-minute plans due, queue binding (they are sent as messages)", expect: "ok" },
] as const;

export type OperationId = (typeof OPERATIONS)[number]["id"];

/** One measurement of one operation. */
export interface OperationSample {
  /** HTTP status, or the scheduled handler's outcome. */
  status: string;
  /** `error.code` of a JSON error answer. */
  errorCode?: string;
  ms: number;
  requests: number;
  commands: number;
  redisCalls: number;
  /** Calls Redis executed, by command name. */
  redisCallsByName?: Record<string, number>;
  /** Ticks with a queue: messages the tick sent, and what consuming them cost (its own scope). */
  queue?: { messages: number; consumerRequests: number; consumerCommands: number; consumerFailedBatches: number };
  /** Ticks: what the worker logged about the tick (its summary line), if it logged one. */
  tickLog?: Record<string, unknown>;
}

export type SizeSamples = Partial<Record<OperationId, OperationSample[]>>;

export function addSamples(into: SizeSamples, id: OperationId, samples: readonly OperationSample[]): void {
  const list = into[id] ?? [];
  list.push(...samples);
  into[id] = list;
}
