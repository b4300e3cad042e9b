import type { BatchSet, EdgeCacheClient } from "../../client/index.ts";
import { type RetryOptions, UnsettledBatchError, withRetry } from "../transfer/retry.ts";
import type { Pacer } from "./pacer.ts";
import type { TenantTarget } from "./tenant-access.ts";

/** One set, with what it adds to a batch body (base64 value and JSON framing). */
export interface PendingSet {
  set: BatchSet;
  bodyBytes: number;
}

interface TenantQueue {
  target: TenantTarget;
  sets: PendingSet[];
  deletes: string[];
}

export interface BatchWriterOptions {
  /** Sets per request, capped by each tenant's maxBatchOperations. @default 100 */
  batchSize?: number;
  /** Requests in flight. @default 4 */
  concurrency?: number;
  /** Holds each request until its keys fit the --rate budget. */
  pacer?: Pacer | undefined;
  retry?: RetryOptions;
}

export interface FlushResult {
  /** Sets stored in Redis. */
  stored: number;
  deleted: number;
  requests: number;
  /** Sets the service refused alone (never retried: resending cannot help), with the reason. */
  refused: { tenant: string; key: string; reason: string }[];
}

/** The tenant's storage budget is full: stop, naming it, rather than retry. */
export class StorageFullError extends Error {
  override readonly name = "StorageFullError";
}

// JSON framing of one set around its base64 value and key: field names, quotes, ttl, content type.
const SET_FRAMING_BYTES = 160;
// Room left under the body limit for the request's own framing and misjudged escapes.
const BODY_HEADROOM_BYTES = 16 * 1024;

export function setBodyBytes(set: BatchSet, valueBytes: number): number {
  return Math.ceil(valueBytes / 3) * 4 + Buffer.byteLength(set.key) * 2 + (set.contentType?.length ?? 0) + SET_FRAMING_BYTES;
}

/**
 * Collects sets and deletes per tenant and sends them as POST /v1/batch requests, a few in flight,
 * each within the tenant's operation and body limits. A flush resolves once every request is
 * settled in Redis, so a caller may record its progress after it.
 */
export class BatchWriter {
  readonly #options: Required<Omit<BatchWriterOptions, "pacer">> & { pacer: Pacer | undefined };
  readonly #queues = new Map<string, TenantQueue>();
  #pendingKeys = 0;
  #pendingBytes = 0;

  constructor(options: BatchWriterOptions = {}) {
    this.#options = { batchSize: 100, concurrency: 4, retry: {}, ...options, pacer: options.pacer };
  }

  get pendingKeys(): number {
    return this.#pendingKeys;
  }

  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  set(target: TenantTarget, pending: PendingSet): void {
    this.#queue(target).sets.push(pending);
    this.#pendingKeys++;
    this.#pendingBytes += pending.bodyBytes;
  }

  delete(target: TenantTarget, key: string): void {
    this.#queue(target).deletes.push(key);
    this.#pendingKeys++;
  }

  async flush(): Promise<FlushResult> {
    const requests = [...this.#queues.values()].flatMap((queue) => this.#requestsOf(queue));
    this.#queues.clear();
    this.#pendingKeys = 0;
    this.#pendingBytes = 0;
    const result: FlushResult = { stored: 0, deleted: 0, requests: 0, refused: [] };
    let next = 0;
    let failure: unknown;
    const worker = async () => {
      while (failure === undefined && next < requests.length) {
        const request = requests[next++] as BatchRequestOf;
        try {
          await this.#options.pacer?.take(request.sets.length + request.deletes.length);
          await withRetry(() => send(request, result), this.#options.retry);
          result.requests++;
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#options.concurrency, requests.length) }, worker));
    if (failure !== undefined) throw failure;
    return result;
  }

  #queue(target: TenantTarget): TenantQueue {
    let queue = this.#queues.get(target.tenant);
    if (!queue) {
      queue = { target, sets: [], deletes: [] };
      this.#queues.set(target.tenant, queue);
    }
    return queue;
  }

  #requestsOf(queue: TenantQueue): BatchRequestOf[] {
    const { limits, client } = queue.target;
    if (!client) throw new Error(`no client for tenant ${queue.target.tenant}: a dry run sends nothing`);
    const maxOperations = Math.min(this.#options.batchSize, limits.maxBatchOperations);
    const maxBytes = Math.max(1, limits.maxBatchBodyBytes - BODY_HEADROOM_BYTES);
    const requests: BatchRequestOf[] = [];
    let current: BatchRequestOf | undefined;
    let bytes = 0;
    for (const { set, bodyBytes } of queue.sets) {
      // A set too large to share a request goes alone: the value already fits maxValueBytes.
      if (!current || current.sets.length >= maxOperations || bytes + bodyBytes > maxBytes) {
        current = { tenant: queue.target.tenant, client, sets: [], deletes: [] };
        requests.push(current);
        bytes = 0;
      }
      current.sets.push(set);
      bytes += bodyBytes;
    }
    for (let i = 0; i < queue.deletes.length; i += maxOperations) {
      requests.push({ tenant: queue.target.tenant, client, sets: [], deletes: queue.deletes.slice(i, i + maxOperations) });
    }
    return requests;
  }
}

interface BatchRequestOf {
  tenant: string;
  client: EdgeCacheClient;
  sets: BatchSet[];
  deletes: string[];
}

async function send(request: BatchRequestOf, result: FlushResult): Promise<void> {
  const answer = await request.client.batch({ set: request.sets, delete: request.deletes });
  const refused: FlushResult["refused"] = [];
  let unsettled = 0;
  for (const set of answer.set) {
    if (set.status === "stored" && set.stored === "redis") continue;
    if (set.status === "error" && set.error.code === "storage_full") {
      throw new StorageFullError(`tenant ${request.tenant}: ${set.error.message}`);
    }
    // 503-like answers per operation (Redis unavailable) and writes kept in one isolate's memory are resent.
    if (set.status === "error" && set.error.code !== "store_unavailable")
      refused.push({ tenant: request.tenant, key: set.key, reason: set.error.message });
    else unsettled++;
  }
  for (const deletion of answer.delete) if (deletion.status === "error") unsettled++;
  // Sets and deletes are idempotent: the whole request is sent again.
  if (unsettled > 0)
    throw new UnsettledBatchError(`${unsettled} of ${request.sets.length + request.deletes.length} operations did not reach Redis`);
  result.stored += request.sets.length - refused.length;
  result.deleted += request.deletes.length;
  result.refused.push(...refused);
}
