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
