import { toHex } from "../encoding";
import type { TenantId } from "./keys";

/**
 * One cached value with everything needed to serve it. Times are milliseconds since the epoch.
 * An entry is fresh until `freshUntil`, may be served stale until `staleUntil` (its swr window),
 * and is gone after that: Redis expires it on its own at `staleUntil`.
 */
export interface Entry {
  readonly value: Uint8Array;
  readonly contentType: string;
  /** Strong validator of the value bytes and content type, quoted as HTTP wants it. */
  readonly etag: string;
  readonly createdAt: number;
  readonly freshUntil: number;
  readonly staleUntil: number;
  readonly tags: readonly string[];
  /** Position in the tenant's write sequence in Redis; 0 for entries that never reached Redis. */
  readonly version: number;
  /** Where a warmed or read-through entry came from, with the origin's validators. */
  readonly origin?: OriginValidators;
}

export interface OriginValidators {
  readonly url: string;
  readonly etag?: string;
  readonly lastModified?: string;
}

export interface EntryInput {
  value: Uint8Array;
  contentType: string;
  /** Seconds the entry is fresh. */
  ttlSeconds: number;
  /** Seconds after that in which a stale copy may still be served. */
  swrSeconds: number;
  tags: readonly string[];
  origin?: OriginValidators;
}

export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

export async function createEntry(input: EntryInput, now: number): Promise<Entry> {
  const freshUntil = now + input.ttlSeconds * 1000;
  return {
    value: input.value,
    contentType: input.contentType,
    etag: await computeEtag(input.value, input.contentType),
    createdAt: now,
    freshUntil,
    staleUntil: freshUntil + input.swrSeconds * 1000,
    tags: [...new Set(input.tags)],
    version: 0,
    ...(input.origin ? { origin: input.origin } : {}),
  };
}

const encoder = new TextEncoder();

/** SHA-256 over content type and value, so a re-set of identical bytes keeps its ETag. */
export async function computeEtag(value: Uint8Array, contentType: string): Promise<string> {
  const typeBytes = encoder.encode(`${contentType}\n`);
  const material = new Uint8Array(typeBytes.byteLength + value.byteLength);
  material.set(typeBytes);
  material.set(value, typeBytes.byteLength);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", material));
  // Hex of the first 12 bytes only: slicing a longer string would keep the whole one alive per entry.
  return `"${toHex(digest.subarray(0, 12))}"`;
}

export function isFresh(entry: Entry, now: number): boolean {
  return now < entry.freshUntil;
}

export function isServable(entry: Entry, now: number): boolean {
  return now < entry.staleUntil;
}

/** Whole seconds of freshness left, for `Cache-Control: max-age`. */
export function remainingFreshSeconds(entry: Entry, now: number): number {
  return Math.max(0, Math.floor((entry.freshUntil - now) / 1000));
}

export function ageSeconds(entry: Entry, now: number): number {
  return Math.max(0, Math.floor((now - entry.createdAt) / 1000));
}

/** Estimated heap bytes an entry holds, for the L1 byte budget. */
export function entryFootprint(tenant: TenantId, key: string, entry: Entry): number {
  let tagChars = 0;
  for (const tag of entry.tags) tagChars += tag.length;
  // Measured (bench/L1-RESULTS.md): about 850 bytes of fixed cost per entry (the Uint8Array and
  // its buffer, the record, the SIEVE node and map slot), plus two bytes per string character.
  return entry.value.byteLength + 2 * (tenant.length + key.length + entry.contentType.length + entry.etag.length + tagChars) + 850;
}
