import type { SourceType } from "./source-record.ts";

export const TTL_BUCKETS = ["< 1 min", "< 1 h", "< 1 day", "< 1 week", ">= 1 week", "default"] as const;
export type TtlBucket = (typeof TTL_BUCKETS)[number];

/** Where content types past the per-tenant limit are counted. */
export const OTHER_CONTENT_TYPES = "(other)";

/** A key that is (or in a dry run would be) copied. */
export interface ReportedEntry {
  tenant: string;
  sourceType: SourceType;
  contentType: string;
  /** Bytes of the value as stored, after decoding. */
  bytes: number;
  ttlSeconds: number;
  /** The key had no TTL and got the default: counted as "default", whatever its seconds. */
  defaulted: boolean;
  clamped: boolean;
  /** "zlib", "zlib+msgpack"; undefined when the value was copied as it was. */
  decodedBy?: string | undefined;
}

export interface TenantReport {
  tenant: string;
  keys: number;
  bytes: number;
  ttl: Record<TtlBucket, number>;
  /** TTLs shortened to the tenant's maximum. */
  clamped: number;
  sourceTypes: Partial<Record<SourceType, number>>;
  contentTypes: Record<string, number>;
  decoded: Record<string, number>;
}

/**
 * The counters of one tenant (or of all). Maps, not objects, hold the counts keyed by text from the
 * source: a content type named `__proto__` is then just a name.
 */
export class TenantTally {
  keys = 0;
  bytes = 0;
  clamped = 0;
  readonly ttl = new Map<TtlBucket, number>(TTL_BUCKETS.map((bucket) => [bucket, 0]));
  readonly sourceTypes = new Map<SourceType, number>();
  readonly contentTypes = new Map<string, number>();
  readonly decoded = new Map<string, number>();

  constructor(
    readonly tenant: string,
    /** Distinct content types kept before the rest count as OTHER_CONTENT_TYPES. */
    private readonly contentTypeLimit = Number.POSITIVE_INFINITY,
  ) {}

  add(entry: ReportedEntry): void {
    this.keys++;
    this.bytes += entry.bytes;
    if (entry.clamped) this.clamped++;
    increment(this.ttl, entry.defaulted ? "default" : ttlBucket(entry.ttlSeconds));
    increment(this.sourceTypes, entry.sourceType);
    const known = this.contentTypes.has(entry.contentType) || this.contentTypes.size < this.contentTypeLimit;
    increment(this.contentTypes, known ? entry.contentType : OTHER_CONTENT_TYPES);
    if (entry.decodedBy !== undefined) increment(this.decoded, entry.decodedBy);
  }

  /** Adds another tally's counts into this one (totals over tenants). */
  merge(other: TenantTally): this {
    this.keys += other.keys;
    this.bytes += other.bytes;
    this.clamped += other.clamped;
    for (const [bucket, count] of other.ttl) increment(this.ttl, bucket, count);
    for (const [type, count] of other.sourceTypes) increment(this.sourceTypes, type, count);
    for (const [type, count] of other.contentTypes) increment(this.contentTypes, type, count);
    for (const [decoder, count] of other.decoded) increment(this.decoded, decoder, count);
    return this;
  }

  toReport(): TenantReport {
    return {
      tenant: this.tenant,
      keys: this.keys,
      bytes: this.bytes,
      ttl: Object.fromEntries(this.ttl) as Record<TtlBucket, number>,
      clamped: this.clamped,
      sourceTypes: Object.fromEntries(this.sourceTypes),
      contentTypes: Object.fromEntries(byCountDescending(this.contentTypes)),
      decoded: Object.fromEntries(byCountDescending(this.decoded)),
    };
  }
}

export function ttlBucket(seconds: number): TtlBucket {
  if (seconds < 60) return "< 1 min";
  if (seconds < 3600) return "< 1 h";
  if (seconds < 86_400) return "< 1 day";
  if (seconds < 7 * 86_400) return "< 1 week";
  return ">= 1 week";
}

function increment<K>(counts: Map<K, number>, key: K, by = 1): void {
  counts.set(key, (counts.get(key) ?? 0) + by);
}

function byCountDescending(counts: Map<string, number>): [string, number][] {
  return [...counts].sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : 1));
}
