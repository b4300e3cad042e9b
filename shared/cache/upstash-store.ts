import { type CodecOptions, decodeEntry, encodeEntry } from "./codec";
import type { Entry } from "./entry";
import { type EntryKey, entryRedisKey, metaRedisKey, type TenantId } from "./keys";
import { getEntryScript, raiseWatermarksScript, SUPERSEDED, setEntryScript } from "./lua-scripts";
import type { RedisReply, RedisRunner } from "./redis-client";
import { type Call, runCalls } from "./script-runner";
import {
  type DeleteResult,
  type Lookup,
  type Operation,
  type OperationResult,
  type SetOptions,
  type SetResult,
  type Store,
  StoreUnavailableError,
} from "./store";

export interface UpstashStoreOptions {
  runner: RedisRunner;
  codec: CodecOptions;
  /** @default Date.now */
  now?: () => number;
}

/** What Redis holds under a key, relative to a version the caller already has. */
export type Revalidation = { status: "absent" } | { status: "unchanged" } | { status: "changed"; entry: Entry };

/** L2: entries in Upstash Redis, one HTTP request per call or batch. */
export class UpstashStore implements Store {
  readonly #runner: RedisRunner;
  readonly #codec: CodecOptions;
  readonly #now: () => number;
  /** This isolate's writes, counted: orders two writes created in the same millisecond. */
  #writeOrder = 0;

  constructor(options: UpstashStoreOptions) {
    this.#runner = options.runner;
    this.#codec = options.codec;
    this.#now = options.now ?? Date.now;
  }

  async get(key: EntryKey): Promise<Lookup | undefined> {
    const [result] = await this.batch([{ type: "get", key }]);
    return unwrap(result, "get").lookup;
  }

  async set(key: EntryKey, entry: Entry, options?: SetOptions): Promise<SetResult> {
    const [result] = await this.batch([{ type: "set", key, entry, ...(options ? { options } : {}) }]);
    return unwrap(result, "set").result;
  }

  async delete(key: EntryKey): Promise<DeleteResult> {
    const [result] = await this.batch([{ type: "delete", key }]);
    return unwrap(result, "delete").result;
  }

  /** Asks whether the copy at `knownVersion` is still current, without resending its bytes. */
  async revalidate(key: EntryKey, knownVersion: number): Promise<Revalidation> {
    const [reply] = await runCalls(this.#runner, [getCall(key, knownVersion)]);
    const value = expectOk(reply);
    if (value === null || value === undefined) return { status: "absent" };
    if (typeof value === "number") return value === knownVersion ? { status: "unchanged" } : { status: "absent" };
    const entry = await decodeEntry(String(value)).catch(() => undefined);
    if (!entry) throw new StoreUnavailableError("revalidate failed: stored entry is unreadable");
    return { status: "changed", entry };
  }

  async batch(operations: readonly Operation[]): Promise<OperationResult[]> {
    if (operations.length === 0) return [];
    const now = this.#now();
    const calls = await Promise.all(operations.map((op) => this.#toCall(op, now)));
    const replies = await runCalls(this.#runner, calls);
    return Promise.all(operations.map((op, index) => this.#toResult(op, replies[index])));
  }

  async clear(tenant: TenantId): Promise<void> {
    await this.#raise(tenant, ["clear"]);
  }

  async invalidateTags(tenant: TenantId, tags: readonly string[]): Promise<void> {
    if (tags.length > 0)
      await this.#raise(
        tenant,
        tags.map((tag) => `tag:${tag}`),
      );
  }

  async #raise(tenant: TenantId, fields: string[]): Promise<void> {
    const [reply] = await runCalls(this.#runner, [{ script: raiseWatermarksScript, keys: [metaRedisKey(tenant)], args: fields }]);
    expectOk(reply);
  }

  async #toCall(op: Operation, now: number): Promise<Call> {
    switch (op.type) {
      case "get":
        return getCall(op.key, 0);
      case "delete":
        return { op: "del", keys: [entryRedisKey(op.key)] };
      case "set": {
        const order = ++this.#writeOrder;
        const encoded = await encodeEntry(op.entry, this.#codec, { order });
        const expiresInMs = Math.max(1, op.entry.staleUntil - now);
        return {
          script: setEntryScript,
          keys: [entryRedisKey(op.key), metaRedisKey(op.key.tenant)],
          args: [
            encoded.headerTail,
            encoded.payload,
            String(expiresInMs),
            op.options?.onlyIfAbsent ? "1" : "0",
            String(op.entry.createdAt),
            String(order),
          ],
        };
      }
    }
  }

  async #toResult(op: Operation, reply: RedisReply | undefined): Promise<OperationResult> {
    if (!reply?.ok) return { type: "error", error: new StoreUnavailableError(`${op.type} failed: ${redisErrorKind(reply)}`) };
    switch (op.type) {
      case "get": {
        if (reply.value === null || reply.value === undefined) return { type: "get", lookup: undefined };
        const entry = await decodeEntry(String(reply.value)).catch(() => undefined);
        if (!entry) return { type: "error", error: new StoreUnavailableError("get failed: stored entry is unreadable") };
        return { type: "get", lookup: entry.staleUntil > this.#now() ? { entry, tier: "l2", degraded: false } : undefined };
      }
      case "set": {
        const version = Number(reply.value);
        if (version === 0) return { type: "set", result: { status: "exists" } };
        // Redis holds an entry created after this one (lua-scripts.ts): the write is answered as
        // stored and then overwritten. Version 0 marks a copy Redis does not hold, so an L1 that
        // keeps it asks Redis again at its next check and gets the newer entry.
        if (version === SUPERSEDED)
          return { type: "set", result: { status: "stored", durability: "redis", entry: { ...op.entry, version: 0 } } };
        return { type: "set", result: { status: "stored", durability: "redis", entry: { ...op.entry, version } } };
      }
      case "delete":
        return { type: "delete", result: { status: "deleted", durability: "redis" } };
    }
  }
}

function getCall(key: EntryKey, knownVersion: number): Call {
  return { script: getEntryScript, keys: [entryRedisKey(key), metaRedisKey(key.tenant)], args: [String(knownVersion)] };
}

function expectOk(reply: RedisReply | undefined): unknown {
  if (!reply?.ok) throw new StoreUnavailableError(`command failed: ${redisErrorKind(reply)}`);
  return reply.value;
}

/** The Redis error's first word (ERR, WRONGTYPE, OOM…): enough to act on, and no values. */
function redisErrorKind(reply: RedisReply | undefined): string {
  if (!reply) return "no reply";
  if (reply.ok) return "ok";
  return reply.error.split(/\s/, 1)[0] ?? "error";
}

function unwrap<T extends OperationResult["type"]>(result: OperationResult | undefined, type: T): Extract<OperationResult, { type: T }> {
  if (result?.type === "error") throw result.error;
  if (result?.type !== type) throw new StoreUnavailableError(`unexpected reply to ${type}`);
  return result as Extract<OperationResult, { type: T }>;
}
