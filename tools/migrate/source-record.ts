/** What a legacy cache holds under a key, as the migration sees it. */
export type SourceType = "string" | "hash" | "list" | "set" | "zset" | "other";

/** One key read from a legacy cache, before it is mapped to a tenant. */
export interface SourceRecord {
  /** The legacy key's bytes: Redis keys are binary-safe. */
  key: Buffer;
  type: SourceType;
  /** The bytes to store (a string's value, a converted structure's JSON); undefined when not copied. */
  value: Buffer | undefined;
  /** Why `value` is undefined for a type that was to be converted (e.g. members that are not UTF-8). */
  skipReason?: string;
  /** Milliseconds left to live: undefined when the key never expires; 0 or less when already expired. */
  ttlMs: number | undefined;
  /** Memcached's client flags (pymemcache: 1 pickle, 2 int, 4 long, 8 compressed, 16 text). */
  flags?: number;
  /** Carried by an edge-cache NDJSON export only. */
  contentType?: string;
  swr?: number;
  tags?: string[];
}

/** A run of records and where to resume after them. */
export interface SourcePage {
  records: SourceRecord[];
  /** Opaque resume point after this page (Redis: the SCAN cursor; NDJSON: the last line's number). */
  cursor: string;
  /** No page follows. */
  done: boolean;
}

export interface Source {
  /** For messages: the URL without its password, or the file path. */
  readonly description: string;
  /** Stable identity for state files: scheme, host, port, db, match pattern; never a password. */
  readonly identity: string;
  /**
   * "cursor": pages(from) resumes exactly after a page's cursor (Redis SCAN, NDJSON lines).
   * "keys": no cursor exists (Memcached's metadump), so a resumed run starts over and skips the
   * keys it already committed.
   */
  readonly resume: "cursor" | "keys";
  /** Keys the source holds, for progress and ETA (DBSIZE, curr_items, lines); undefined when unknown. */
  estimateTotal(): Promise<number | undefined>;
  /** Streams pages from a resume point ("0": the beginning), holding one page of records at a time. */
  pages(from: string): AsyncIterable<SourcePage>;
  /** The records of these keys as they are now (follow and verify); undefined for a key that is gone. */
  read(keys: readonly Buffer[]): Promise<(SourceRecord | undefined)[]>;
  close(): Promise<void>;
}
