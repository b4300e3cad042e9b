import type { CachedValue } from "./cached-value.js";
import type { ValueCodec } from "./codec.js";
import type { EdgeCacheErrorCode } from "./errors.js";

/** What the client needs of fetch; `globalThis.fetch` and test doubles both fit. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** The service's URL, e.g. `https://cache.example.com`; a path prefix is kept. */
  baseUrl: string;
  /** A tenant token (`ec_…`). Give browsers a `read` token bound to their origin. */
  token: string;
  /** @default globalThis.fetch */
  fetch?: FetchLike;
  /**
   * Encodes the structured values this client writes, and decodes entries of its content type
   * (`decode<T>()`); JSON is always understood. E.g. `msgpackCodec({ encode, decode })`.
   * @default JSON
   */
  codec?: ValueCodec;
  /** Sent with every request; `Authorization` is always the token's. */
  headers?: HeadersInit;
}

export interface CallOptions {
  /** Aborts the request; the call then rejects with the signal's reason (an AbortError by default). */
  signal?: AbortSignal;
}

/**
 * Which tier answered a read: this isolate's memory, Redis, a copy past its freshness, or (for a
 * key with an origin) the origin itself, fetched on this read.
 */
export type CacheStatus = "HIT-L1" | "HIT-L2" | "STALE" | "MISS";

/** Where a written value lives: Redis, or (202, Redis unavailable) only one isolate's memory. */
export type Durability = "redis" | "memory";

interface EntryMeta {
  etag: string;
  cache: CacheStatus;
  /** Seconds since the entry was written. */
  age: number;
  /** Seconds of freshness left (`Cache-Control: max-age`). */
  maxAge: number;
}

export interface CacheEntry extends CachedValue, EntryMeta {
  readonly notModified: false;
  contentType: string;
}

/** The answer to a read whose `ifNoneMatch` matched: the caller's copy is current. */
export interface NotModified extends EntryMeta {
  readonly notModified: true;
}

export interface GetOptions extends CallOptions {
  /** ETag(s) the caller holds; a match answers NotModified instead of the bytes. */
  ifNoneMatch?: string;
}

export interface SetOptions extends CallOptions {
  /** Seconds fresh. @default the tenant's default TTL */
  ttl?: number;
  /** Seconds a stale copy may still be served after `ttl`. @default 0 */
  swr?: number;
  tags?: readonly string[];
  /** @default "text/plain; charset=utf-8" for strings, the Blob's type, the codec's for structured values, else "application/octet-stream" */
  contentType?: string;
  /** For a structured value: this codec instead of the client's. */
  codec?: ValueCodec;
  /** `"*"`: store only if no entry exists; otherwise rejects with `precondition_failed`. */
  ifNoneMatch?: "*";
}

export interface SetResult {
  stored: Durability;
  etag: string;
}

/**
 * Text, bytes and Blobs are stored as they are; objects, arrays, numbers, booleans and null are
 * structured values, encoded by a codec (JSON unless the client or the call names another).
 */
export type SetValue = string | Uint8Array | Blob | object | number | boolean | null;

export interface BatchSet {
  key: string;
  /** Uint8Array and Blob values travel as base64; structured values are encoded by the client's codec. */
  value: SetValue;
  /** For string values: `"base64"` when the string already is base64 of the bytes. @default "utf8" */
  encoding?: "utf8" | "base64";
  ttl?: number;
  swr?: number;
  tags?: readonly string[];
  contentType?: string;
}

export interface BatchRequest {
  get?: readonly string[];
  set?: readonly BatchSet[];
  delete?: readonly string[];
}

/** One operation that failed alone (the rest of the batch did not). */
export interface BatchOperationError {
  key: string;
  status: "error";
  error: { code: EdgeCacheErrorCode; message: string };
}

export interface BatchHit extends CachedValue {
  key: string;
  status: "hit" | "stale";
  tier: "l1" | "l2";
  contentType: string;
  etag: string;
  /** Seconds of freshness left. */
  ttl: number;
}

export type BatchGetResult = BatchHit | { key: string; status: "miss" } | BatchOperationError;
export type BatchSetResult =
  | { key: string; status: "stored"; stored: Durability; etag: string }
  | { key: string; status: "exists" }
  | BatchOperationError;
export type BatchDeleteResult = { key: string; status: "deleted" } | BatchOperationError;

/** One result per operation, in request order within each list. */
export interface BatchResult {
  get: BatchGetResult[];
  set: BatchSetResult[];
  delete: BatchDeleteResult[];
}

/** What `invalidate` hides: entries carrying any of the tags, and entries whose key starts with any of the prefixes. */
export interface InvalidationTargets {
  tags?: readonly string[];
  /** Plain bytes, never patterns: `*`, `?` and `[` match themselves. Never empty. */
  prefixes?: readonly string[];
}

/** A window of local time during which a lifetime policy's window lifetime applies. */
export interface LifetimeWindow {
  /** IANA zone, e.g. America/New_York. */
  timeZone: string;
  days?: ("sun" | "mon" | "tue" | "wed" | "thu" | "fri" | "sat")[];
  /** HH:MM, inclusive; a window whose `to` is not after its `from` runs past midnight. */
  from: string;
  /** HH:MM, exclusive. */
  to: string;
  /** YYYY-MM-DD local dates the window does not open (holidays). */
  closed?: string[];
  ttl: number;
  swr?: number;
}

/** How long writes without their own ttl live: the first matching policy decides. */
export interface LifetimePolicy {
  /** Exactly one of `prefix` and `glob` (`*`, `?`, `\` escapes). */
  prefix?: string;
  glob?: string;
  /** A media type (application/json) or family (image/*). */
  contentType?: string;
  ttl: number;
  swr?: number;
  windows?: LifetimeWindow[];
}

export interface Invalidated {
  /** The tags invalidated, once each. */
  invalidated: string[];
  /** The prefixes invalidated, once each. */
  invalidatedPrefixes: string[];
}

export type CounterName =
  | "l1Hits"
  | "l2Hits"
  | "staleServed"
  | "misses"
  | "sets"
  | "deletes"
  | "errors"
  | "memoryOnlyWrites"
  | "bytesIn"
  | "bytesOut"
  | "tagInvalidations"
  | "prefixInvalidations";

export interface Stats {
  tenant: string;
  /** false when Redis could not be read and only the answering isolate's counts are included. */
  complete: boolean;
  counters: Record<CounterName, number>;
  /** Hits over lookups; null before the first lookup. */
  hitRatio: number | null;
  /**
   * Bytes the tenant's entries hold in Redis (approximate) and its budget; writes past the budget
   * reject with `storage_full`. `usedBytes` is null when Redis could not be read; both are null in
   * memory-only mode.
   */
  storage: { usedBytes: number | null; budgetBytes: number | null };
  /** The tenant's share of the answering isolate's L1. */
  l1: { entries: number; bytes: number; isolateBudgetBytes: number };
}

/** One line of `GET /v1/export`, and what an import sends back as a batch set. */
export interface ExportedEntry {
  key: string;
  value: string;
  encoding: "utf8" | "base64";
  contentType: string;
  /** Seconds of freshness left, rounded up: 0 means the entry is stale. */
  ttl: number;
  /** Seconds of the stale window left beyond `ttl`. */
  swr: number;
  tags: string[];
}

export interface ExportPageOptions extends CallOptions {
  /** The previous page's `cursor`. @default "0" (the first page) */
  cursor?: string;
  /** How many keys to look at (a hint, as SCAN's COUNT). @default 100 */
  count?: number;
}

export interface ExportPage {
  entries: ExportedEntry[];
  /** Where the next page starts; undefined once every entry has been visited. */
  cursor: string | undefined;
}
