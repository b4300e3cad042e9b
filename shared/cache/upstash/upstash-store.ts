import {
  entryPattern,
  entryRedisKey,
  metaRedisKey,
  parseEntryRedisKey,
  prefixLengthsRedisKey,
  storageExpiryRedisKey,
  storageUsageRedisKey,
  tagTimesRedisKey,
} from "../../redis/key-layout";
import type { RedisReply, RedisRunner } from "../../redis/redis-client";
import { PrefixLengthsExhaustedError, RedisCommandError, RequestTooLargeError } from "../../redis/request-errors";
import { oversizedRequestBytes, type WireCommand, wireCommand } from "../../redis/request-size";
import { type Call, runCalls } from "../../redis/script-runner";
import { type CodecOptions, decodeStoredValue, encodeEntry } from "../codec";
import type { Entry } from "../entry";
import type { EntryKey, TenantId } from "../keys";
import type { CopyOutcome, KeyPage, PreparedBatch, RecordCopyL2, Revalidation, StoredRecord } from "../l2-store";
import {
  type DeleteResult,
  type InvalidationTargets,
  type Lookup,
  MAX_PREFIX_LENGTHS,
  type Operation,
  type OperationResult,
  type SetOptions,
  type SetResult,
  StoreUnavailableError,
} from "../store";
import {
  deleteEntryScript,
  getEntryScript,
  NOT_CHECKED,
  OVER_BUDGET,
  revalidateManyScript,
  SUPERSEDED,
  setEntryScript,
} from "./entry-scripts";
import { COPY_HIDDEN, COPY_NEWER, COPY_UNREADABLE, NOT_READ, readRecordsScript, writeRecordScript } from "./record-copy-scripts";
import { clearTenantScript, raiseWatermarksScript, TOO_MANY_PREFIX_LENGTHS } from "./watermark-scripts";

/** The longest an entry lives under the default limits (MAX_TTL + MAX_SWR + L1_GRACE), plus an hour of clock skew. */
const DEFAULT_WATERMARK_RETENTION_MS = (30 * 86_400 + 86_400 + 300 + 3600) * 1000;

export interface UpstashStoreOptions {
  runner: RedisRunner;
  codec: CodecOptions;
  /** @default Date.now */
  now?: () => number;
  /** How long a delete's tombstone keeps a write created before the delete out (TOMBSTONE_SECONDS). @default 300_000 */
  tombstoneMs?: number;
  /**
   * How long a tag watermark is kept after it was last raised: at least the longest an entry can
   * live, in Redis and then in an L1, plus clock skew (watermark-scripts.ts).
   * @default the longest lifetime under the default limits, plus an hour
   */
  watermarkRetentionMs?: number;
  /** Largest request the L2 accepts (L2_MAX_REQUEST_BYTES): a batch over it is refused by `prepare`. @default 10_000_000 */
  maxRequestBytes?: number;
}

interface UpstashPreparedBatch extends PreparedBatch {
  readonly calls: readonly Call[];
  /** Per operation, the call that answers it and, for a get read with others, its place in that call's reply. */
  readonly replyOf: readonly { call: number; item?: number }[];
}

// revalidate-many's byte limit for a batch's reads: none, so a batch's answer holds the same bytes
// as when each of its gets was a call of its own.
const NO_BYTE_LIMIT = String(Number.MAX_SAFE_INTEGER);

/** The L2 adapter for Upstash Redis: entries in Redis, one HTTP request per call or batch. */
export class UpstashStore implements RecordCopyL2 {
  readonly #options: UpstashStoreOptions;
  readonly #runner: RedisRunner;
  readonly #codec: CodecOptions;
  readonly #now: () => number;
  readonly #tombstoneMs: number;
  readonly #watermarkRetentionMs: number;
  readonly #maxRequestBytes: number;
  /** This isolate's writes and deletes, counted: orders two of them created in the same millisecond. */
  #writeOrder = 0;

  constructor(options: UpstashStoreOptions) {
    this.#options = options;
    this.#runner = options.runner;
    this.#codec = options.codec;
    this.#now = options.now ?? Date.now;
    this.#tombstoneMs = options.tombstoneMs ?? 300_000;
    this.#watermarkRetentionMs = options.watermarkRetentionMs ?? DEFAULT_WATERMARK_RETENTION_MS;
    this.#maxRequestBytes = options.maxRequestBytes ?? 10_000_000;
  }

  through(decorate: (runner: RedisRunner) => RedisRunner): UpstashStore {
    return new UpstashStore({ ...this.#options, runner: decorate(this.#runner) });
  }

  async get(key: EntryKey): Promise<Lookup | undefined> {
    const [result] = await this.batch([{ type: "get", key }]);
    return unwrap(result, "get").lookup;
  }

  async set(key: EntryKey, entry: Entry, options?: SetOptions): Promise<SetResult> {
    const [result] = await this.batch([{ type: "set", key, entry, ...(options ? { options } : {}) }]);
    return unwrap(result, "set").result;
  }

  /** Taken as created now, like a write: a write created earlier and delivered later stays out. */
  async delete(key: EntryKey): Promise<DeleteResult> {
    const [result] = await this.batch([{ type: "delete", key }]);
    return unwrap(result, "delete").result;
  }

  async revalidate(key: EntryKey, knownVersion: number): Promise<Revalidation> {
    const [reply] = await runCalls(this.#runner, [getCall(key, knownVersion)]);
    return this.#revalidation(expectOk(reply), knownVersion);
  }

  async revalidateMany(checks: readonly { key: EntryKey; knownVersion: number }[]): Promise<(Revalidation | undefined)[]> {
    if (checks.length === 0) return [];
    const keys = checks.flatMap(({ key }) => [entryRedisKey(key), metaRedisKey(key.tenant)]);
    const args = [String(Math.floor(this.#maxRequestBytes / 2)), ...checks.map(({ knownVersion }) => String(knownVersion))];
    const [reply] = await runCalls(this.#runner, [{ script: revalidateManyScript, keys, args }]);
    const values = expectOk(reply);
    if (!Array.isArray(values)) throw new StoreUnavailableError("revalidate failed: unexpected reply");
    return Promise.all(
      checks.map(async ({ knownVersion }, i): Promise<Revalidation | undefined> => {
        const value = values[i];
        if (value === NOT_CHECKED) return undefined;
        return this.#revalidation(value, knownVersion);
      }),
    );
  }

  /** What a get-entry reply says about the copy at `knownVersion`. */
  async #revalidation(value: unknown, knownVersion: number): Promise<Revalidation> {
    if (value === null || value === undefined || value === false) return { status: "absent" };
    if (typeof value === "number") return value === knownVersion ? { status: "unchanged" } : { status: "absent" };
    const stored = await decodeStoredValue(String(value)).catch(() => undefined);
    if (!stored) throw new RedisCommandError("revalidate failed: stored entry is unreadable");
    return stored.kind === "entry" ? { status: "changed", entry: stored.entry } : { status: "absent" };
  }

  async batch(operations: readonly Operation[]): Promise<OperationResult[]> {
    return this.runPrepared(await this.prepare(operations));
  }

  /**
   * One call per write or delete, and one per run of consecutive gets: a run of reads is one
   * revalidate-many call (one billed command however many keys) rather than one get-entry each.
   * Calls keep the batch's order, so a read still sees the writes before it and none after.
   */
  async prepare(operations: readonly Operation[]): Promise<UpstashPreparedBatch> {
    const now = this.#now();
    const calls: (Call | Promise<Call>)[] = [];
    const replyOf: { call: number; item?: number }[] = [];
    for (let start = 0; start < operations.length; ) {
      let end = start;
      while (operations[end]?.type === "get") end++;
      if (end - start > 1) {
        const reads = operations.slice(start, end).map((op) => op.key);
        for (let item = 0; item < reads.length; item++) replyOf.push({ call: calls.length, item });
        calls.push(readManyCall(reads));
        start = end;
      } else {
        replyOf.push({ call: calls.length });
        calls.push(this.#toCall(operations[start] as Operation, now));
        start++;
      }
    }
    const resolved = await Promise.all(calls);
    if (operations.some((op) => op.type === "set")) {
      const requestBytes = oversizedRequestBytes(resolved.map(wireSizeOf), this.#maxRequestBytes);
      if (requestBytes !== undefined) throw new RequestTooLargeError(requestBytes, this.#maxRequestBytes);
    }
    return { operations, calls: resolved, replyOf };
  }

  async runPrepared(prepared: PreparedBatch): Promise<OperationResult[]> {
    const { operations, calls, replyOf } = prepared as UpstashPreparedBatch;
    if (operations.length === 0) return [];
    const replies = await runCalls(this.#runner, calls);
    return Promise.all(operations.map((op, index) => this.#toResult(op, replyFor(replies, replyOf[index]))));
  }

  /** In as many requests as the values need: each answer holds at most half the request limit of them. */
  async readRecords(keys: readonly EntryKey[]): Promise<(StoredRecord | undefined)[]> {
    const results: (StoredRecord | undefined)[] = new Array(keys.length);
    let pending = keys.map((_, i) => i);
    while (pending.length > 0) {
      const redisKeys = pending.flatMap((i) => [entryRedisKey(keys[i] as EntryKey), metaRedisKey((keys[i] as EntryKey).tenant)]);
      const args = [String(Math.floor(this.#maxRequestBytes / 2))];
      const [reply] = await runCalls(this.#runner, [{ script: readRecordsScript, keys: redisKeys, args }]);
      const values = expectOk(reply);
      if (!Array.isArray(values)) throw new StoreUnavailableError("read records: unexpected reply");
      const later: number[] = [];
      pending.forEach((index, j) => {
        const bytes = values[2 * j];
        const ttlMs = Number(values[2 * j + 1]);
        if (ttlMs === NOT_READ) later.push(index);
        else results[index] = typeof bytes === "string" && ttlMs > 0 ? { bytes, ttlMs } : undefined;
      });
      // The script always answers at least one value, so every request makes progress.
      if (later.length === pending.length) throw new StoreUnavailableError("read records: no progress");
      pending = later;
    }
    return results;
  }

  async writeRecords(records: readonly { key: EntryKey; record: StoredRecord }[]): Promise<CopyOutcome[]> {
    if (records.length === 0) return [];
    const now = String(this.#now());
    const calls = records.map(({ key, record }) => ({
      script: writeRecordScript,
      keys: [
        entryRedisKey(key),
        metaRedisKey(key.tenant),
        tagTimesRedisKey(key.tenant),
        storageUsageRedisKey(key.tenant),
        storageExpiryRedisKey(key.tenant),
      ],
      args: [record.bytes, String(record.ttlMs), now],
    }));
    const replies = await runCalls(this.#runner, calls);
    return replies.map((reply) => {
      const code = Number(expectOk(reply));
      if (code === COPY_NEWER) return { status: "newer" };
      if (code === COPY_HIDDEN) return { status: "hidden" };
      if (code === COPY_UNREADABLE || !(code > 0)) return { status: "unreadable" };
      return { status: "copied", version: code };
    });
  }

  async decodeRecord(record: StoredRecord): Promise<Entry | undefined> {
    const stored = await decodeStoredValue(record.bytes).catch(() => undefined);
    return stored?.kind === "entry" ? stored.entry : undefined;
  }

  async scanKeys(tenant: TenantId, cursor: string, count: number): Promise<KeyPage> {
    const [reply] = await this.#runner.run([{ op: "scan", cursor, match: entryPattern(tenant), count }]);
    if (!reply?.ok || !Array.isArray(reply.value)) throw new StoreUnavailableError("scan failed");
    const [next, redisKeys] = reply.value as [unknown, unknown];
    const keys: EntryKey[] = [];
    for (const redisKey of Array.isArray(redisKeys) ? redisKeys : []) {
      const key = typeof redisKey === "string" ? parseEntryRedisKey(redisKey) : undefined;
      // The pattern already holds the tenant; the check keeps a surprise from ever crossing tenants.
      if (key?.tenant === tenant) keys.push(key);
    }
    return { next: String(next), keys };
  }

  async clear(tenant: TenantId): Promise<void> {
    const keys = [
      metaRedisKey(tenant),
      tagTimesRedisKey(tenant),
      storageUsageRedisKey(tenant),
      storageExpiryRedisKey(tenant),
      prefixLengthsRedisKey(tenant),
    ];
    const [reply] = await runCalls(this.#runner, [{ script: clearTenantScript, keys, args: [String(this.#now())] }]);
    expectOk(reply);
  }

  /** Raises the watermark fields `tag:<name>` and `pfx:<prefix>` in one script call, pruning aged-out ones. */
  async invalidate(tenant: TenantId, { tags = [], prefixes = [] }: InvalidationTargets): Promise<void> {
    const fields = [...tags.map((tag) => `tag:${tag}`), ...prefixes.map((prefix) => `pfx:${prefix}`)];
    if (fields.length === 0) return;
    const args = [String(this.#now()), String(this.#watermarkRetentionMs), String(MAX_PREFIX_LENGTHS), ...fields];
    const keys = [metaRedisKey(tenant), tagTimesRedisKey(tenant), prefixLengthsRedisKey(tenant)];
    const [reply] = await runCalls(this.#runner, [{ script: raiseWatermarksScript, keys, args }]);
    if (expectOk(reply) === TOO_MANY_PREFIX_LENGTHS) throw new PrefixLengthsExhaustedError(MAX_PREFIX_LENGTHS);
  }

  async #toCall(op: Operation, now: number): Promise<Call> {
    switch (op.type) {
      case "get":
        return getCall(op.key, 0);
      case "delete":
        return {
          script: deleteEntryScript,
          keys: entryKeys(op.key),
          args: [String(now), String(++this.#writeOrder), String(this.#tombstoneMs), String(now)],
        };
      case "set": {
        const order = ++this.#writeOrder;
        const encoded = await encodeEntry(op.entry, this.#codec, { order });
        const expiresInMs = Math.max(1, op.entry.staleUntil - now);
        const budget = op.options?.storageBudgetBytes;
        return {
          script: setEntryScript,
          keys: entryKeys(op.key),
          args: [
            encoded.headerTail,
            encoded.payload,
            String(expiresInMs),
            op.options?.onlyIfAbsent ? "1" : "0",
            String(op.entry.createdAt),
            String(order),
            budget === undefined ? "" : String(budget),
            String(now),
            String(op.entry.staleUntil),
          ],
        };
      }
    }
  }

  async #toResult(op: Operation, reply: RedisReply | undefined): Promise<OperationResult> {
    if (!reply?.ok) return { type: "error", error: replyError(`${op.type} failed`, reply) };
    switch (op.type) {
      case "get": {
        if (reply.value === null || reply.value === undefined) return { type: "get", lookup: undefined };
        const stored = await decodeStoredValue(String(reply.value)).catch(() => undefined);
        if (!stored) return { type: "error", error: new RedisCommandError("get failed: stored entry is unreadable") };
        if (stored.kind === "tombstone" || stored.entry.staleUntil <= this.#now()) return { type: "get", lookup: undefined };
        return { type: "get", lookup: { entry: stored.entry, tier: "l2", degraded: false } };
      }
      case "set": {
        const version = Number(reply.value);
        if (version === 0) return { type: "set", result: { status: "exists" } };
        if (version === OVER_BUDGET) return { type: "set", result: { status: "over_budget" } };
        // Redis holds an entry or tombstone created after this one (entry-scripts.ts): the write is
        // answered as stored and then overwritten. Version 0 marks a copy Redis does not hold, so
        // an L1 that keeps it asks Redis again at its next check and gets what Redis holds.
        if (version === SUPERSEDED)
          return { type: "set", result: { status: "stored", durability: "shared", entry: { ...op.entry, version: 0 } } };
        return { type: "set", result: { status: "stored", durability: "shared", entry: { ...op.entry, version } } };
      }
      case "delete":
        // SUPERSEDED too: the key was deleted, then overwritten by a write created after the delete.
        return { type: "delete", result: { status: "deleted", durability: "shared" } };
    }
  }
}

/** KEYS of the set and delete scripts: the entry, the tenant's meta hash and its storage accounting. */
function entryKeys(key: EntryKey): string[] {
  return [entryRedisKey(key), metaRedisKey(key.tenant), storageUsageRedisKey(key.tenant), storageExpiryRedisKey(key.tenant)];
}

// A script call goes out as EVALSHA with a 40-character SHA-1 (script-runner.ts): the same size
// whichever script it is, so the size is known without hashing.
const SHA_PLACEHOLDER = "0".repeat(40);

function wireSizeOf(call: Call): WireCommand {
  if ("script" in call) return ["evalsha", SHA_PLACEHOLDER, call.keys.length, ...call.keys, ...call.args];
  return wireCommand(call);
}

/** Reads the keys as get-entry would, each with no copy held: false, or the raw entry. */
function readManyCall(keys: readonly EntryKey[]): Call {
  return {
    script: revalidateManyScript,
    keys: keys.flatMap((key) => [entryRedisKey(key), metaRedisKey(key.tenant)]),
    args: [NO_BYTE_LIMIT, ...keys.map(() => "0")],
  };
}

/** One operation's reply: its call's, or its item of a read-many call's array. */
function replyFor(replies: readonly RedisReply[], at: { call: number; item?: number } | undefined): RedisReply | undefined {
  const reply = at ? replies[at.call] : undefined;
  if (!reply?.ok || at?.item === undefined) return reply;
  if (!Array.isArray(reply.value)) return { ok: false, error: "ERR unexpected reply to a read of many keys" };
  return { ok: true, value: reply.value[at.item] ?? null };
}

function getCall(key: EntryKey, knownVersion: number): Call {
  return { script: getEntryScript, keys: [entryRedisKey(key), metaRedisKey(key.tenant)], args: [String(knownVersion)] };
}

function expectOk(reply: RedisReply | undefined): unknown {
  if (!reply?.ok) throw replyError("command failed", reply);
  return reply.value;
}

/** Redis answered with an error (it is up), or the transport gave no reply for the command. */
function replyError(what: string, reply: RedisReply | undefined): StoreUnavailableError {
  if (!reply) return new StoreUnavailableError(`${what}: no reply`);
  if (reply.ok) return new StoreUnavailableError(`${what}: unexpected reply`);
  // The error's first word (ERR, WRONGTYPE, OOM…): enough to act on, and no values.
  return new RedisCommandError(`${what}: ${reply.error.split(/\s/, 1)[0] ?? "error"}`);
}

function unwrap<T extends OperationResult["type"]>(result: OperationResult | undefined, type: T): Extract<OperationResult, { type: T }> {
  if (result?.type === "error") throw result.error;
  if (result?.type !== type) throw new StoreUnavailableError(`unexpected reply to ${type}`);
  return result as Extract<OperationResult, { type: T }>;
}
