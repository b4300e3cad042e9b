import type { KeyClass } from "./key-space.ts";
import { StatsTally } from "./stats-tally.ts";

export type Route = "put" | "get" | "delete" | "batch" | "invalidate" | "stats" | "health" | "flood-put" | "flood-get";

/** One HTTP request as the client saw it. Times are epoch milliseconds with sub-ms precision. */
export interface RequestRecord {
  id: number;
  route: Route;
  /** Tenant whose token was used; "" for /health. */
  tenant: string;
  /** Which token: the tenant's main one or the rate-limited one. */
  token: "main" | "tight";
  phase: string;
  start: number;
  end: number;
  latencyMs: number;
  /** 0 when no HTTP answer arrived (connection error or the client's hard timeout). */
  status: number;
  errorCode?: string;
  retryAfter?: string;
  /** Why no HTTP answer arrived. */
  networkError?: string;
  /** X-Request-Id of a 5xx, to find its line in the worker's log. */
  requestId?: string;
}

export type WriteOutcome = "redis" | "memory" | "exists" | "failed";
/** `refused`: 429 from the rate limiter, before any lookup. */
export type ReadOutcome = "hit" | "miss" | "unavailable" | "refused" | "failed";

interface KeyEventBase {
  recordId: number;
  tenant: string;
  key: string;
  keyClass: KeyClass;
  start: number;
  end: number;
}

export interface WriteEvent extends KeyEventBase {
  kind: "write";
  seq: number;
  outcome: WriteOutcome;
  ttlSeconds: number;
  swrSeconds: number;
}

export interface ReadEvent extends KeyEventBase {
  kind: "read";
  outcome: ReadOutcome;
  /** Sequence carried by the value returned. */
  seq?: number;
  /** X-Cache, or the batch status (hit/stale) with its tier. */
  cache?: string;
  ageSeconds?: number;
  /** Set when the bytes returned are not a value this tenant wrote under this key. */
  problem?: string;
}

export interface DeleteEvent extends KeyEventBase {
  kind: "delete";
  outcome: "deleted" | "unavailable" | "failed";
}

export type KeyEvent = WriteEvent | ReadEvent | DeleteEvent;

/** Everything the run observed, in completion order, for the checks to read afterwards. */
export class Journal {
  readonly records: RequestRecord[] = [];
  readonly events: KeyEvent[] = [];
  /** Writes of durable keys by key, kept as they arrive so a mid-run check costs no scan. */
  readonly durableWrites = new Map<string, { tenant: string; key: string; writes: WriteEvent[] }>();
  readonly tally = new StatsTally();
  readonly #issued = new Map<string, number>();
  #nextId = 1;
  phase = "setup";

  record(event: KeyEvent): void {
    this.events.push(event);
    if (event.kind !== "write" || event.keyClass !== "durable") return;
    const id = `${event.tenant}\u0000${event.key}`;
    let entry = this.durableWrites.get(id);
    if (!entry) {
      entry = { tenant: event.tenant, key: event.key, writes: [] };
      this.durableWrites.set(id, entry);
    }
    entry.writes.push(event);
  }

  nextId(): number {
    return this.#nextId++;
  }

  /** The next write sequence of a key; only the key's owner calls it. */
  issueSeq(tenant: string, key: string): number {
    const id = `${tenant}\u0000${key}`;
    const seq = (this.#issued.get(id) ?? 0) + 1;
    this.#issued.set(id, seq);
    return seq;
  }

  /** Highest sequence issued so far for a key (0 if never written). */
  issuedSeq(tenant: string, key: string): number {
    return this.#issued.get(`${tenant}\u0000${key}`) ?? 0;
  }
}
