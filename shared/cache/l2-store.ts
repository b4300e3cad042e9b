import type { RedisRunner } from "../redis/redis-client";
import type { Entry } from "./entry";
import type { EntryKey, TenantId } from "./keys";
import type { Operation, OperationResult, Store } from "./store";

/** What the shared tier holds under a key, relative to a version the caller already has. */
export type Revalidation = { status: "absent" } | { status: "unchanged" } | { status: "changed"; entry: Entry };

/** A batch encoded and checked against the request limit, ready to send (`L2Store.prepare`). */
export interface PreparedBatch {
  readonly operations: readonly Operation[];
}

/**
 * The port of the shared, durable tier (L2). Every consumer (the tiered store, warming, export,
 * read-through) uses this interface; one adapter per backend implements it (cache/upstash/), and
 * the migrating L2 (l2/migration/) composes two of them. Built from config by l2/backend.ts only.
 */
export interface L2Store extends Store {
  /** Asks whether the copy at `knownVersion` is still current, without resending its bytes. */
  revalidate(key: EntryKey, knownVersion: number): Promise<Revalidation>;
  /**
   * Revalidates many copies in one request and one command. A copy left unchecked (the reply
   * was full of changed entries) is undefined: its holder asks again later.
   */
  revalidateMany(checks: readonly { key: EntryKey; knownVersion: number }[]): Promise<(Revalidation | undefined)[]>;
  /**
   * Encodes a batch and refuses it with RequestTooLargeError when it could never be sent. Apart
   * from sending, so a caller can refuse an oversized write even when it would not send it (an
   * open circuit): a write the L2 could never take must not be kept in memory instead.
   */
  prepare(operations: readonly Operation[]): Promise<PreparedBatch>;
  runPrepared(prepared: PreparedBatch): Promise<OperationResult[]>;
  /**
   * One step of a walk over a tenant's stored keys (export): up to about `count` keys and the
   * cursor to go on from ("0": done). A key may come twice; deleted and hidden ones come too
   * (reading them skips them).
   */
  scanKeys(tenant: TenantId, cursor: string, count: number): Promise<KeyPage>;
  /**
   * The same store over decorated transports: warming charges each request to a subrequest budget.
   * A store over several databases decorates each one's transport.
   */
  through(decorate: (runner: RedisRunner) => RedisRunner): L2Store;
}

export interface KeyPage {
  next: string;
  keys: EntryKey[];
}

/** An entry as one database stores it, to be written into another (a migration's copy). */
export interface StoredRecord {
  readonly bytes: string;
  readonly ttlMs: number;
}

/** What writing a copied record did: stored (under this version), or left out and why. */
export type CopyOutcome = { status: "copied"; version: number } | { status: "newer" | "hidden" | "unreadable" };

/** An L2 whose entries can be copied, as stored, into another L2 of the same kind. */
export interface RecordCopyL2 extends L2Store {
  /** Per key, what there is to copy (entries and tombstones; nothing that is hidden or absent). */
  readRecords(keys: readonly EntryKey[]): Promise<(StoredRecord | undefined)[]>;
  /** Writes copies unless this L2 holds a newer entry, or a clear or invalidation raised after they were created. */
  writeRecords(records: readonly { key: EntryKey; record: StoredRecord }[]): Promise<CopyOutcome[]>;
  /** The entry a record holds; undefined for a tombstone or an unreadable record. */
  decodeRecord(record: StoredRecord): Promise<Entry | undefined>;
  through(decorate: (runner: RedisRunner) => RedisRunner): RecordCopyL2;
}
