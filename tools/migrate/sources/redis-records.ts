import type { ChainableCommander } from "ioredis";
import type { SourceRecord, SourceType } from "../source-record.ts";
import { printableKey } from "./printable-key.ts";
import type { RedisConnection } from "./redis-connection.ts";
import { type ConvertibleType, structureToJson } from "./redis-structure-json.ts";

type Reply = [error: Error | null, result: unknown];

const READ_COMMAND: Record<ConvertibleType, string[]> = {
  // Sent through callBuffer in upper case: ioredis's own hgetall turns the reply into an object
  // keyed by strings, which garbles binary fields.
  hash: ["HGETALL"],
  list: ["LRANGE", "0", "-1"],
  set: ["SMEMBERS"],
  zset: ["ZRANGE", "0", "-1", "WITHSCORES"],
};

/**
 * The records of `keys` as they are now, in order; undefined for a key that is gone. One pipeline
 * of GET and PTTL serves every string; keys that answer WRONGTYPE take a second (TYPE) and, when
 * they are read at all, a third one.
 */
export async function readRedisRecords(
  connection: RedisConnection,
  keys: readonly Buffer[],
  convert: "json" | undefined,
): Promise<(SourceRecord | undefined)[]> {
  if (keys.length === 0) return [];
  const replies = await run(connection, "GET and PTTL", (pipeline) => {
    for (const key of keys) pipeline.getBuffer(key).pttl(key);
  });
  const records: (SourceRecord | undefined)[] = [];
  const others: { index: number; key: Buffer; ttlMs: number | undefined }[] = [];
  keys.forEach((key, index) => {
    const [getError, value] = replies[index * 2] as Reply;
    const pttl = checked(connection, `PTTL ${printableKey(key)}`, replies[index * 2 + 1] as Reply);
    records.push(undefined);
    // -2 (or a nil GET below): gone since it was listed, deleted or expired in between.
    if (pttl === -2) return;
    const ttlMs = pttl === -1 ? undefined : (pttl as number);
    if (getError) {
      if (!isWrongType(getError)) throw connection.fail(`GET ${printableKey(key)}`, getError);
      others.push({ index, key, ttlMs });
    } else if (Buffer.isBuffer(value)) {
      records[index] = { key, type: "string", value, ttlMs };
    }
  });
  if (others.length > 0) await readOthers(connection, others, convert, records);
  return records;
}

async function readOthers(
  connection: RedisConnection,
  others: readonly { index: number; key: Buffer; ttlMs: number | undefined }[],
  convert: "json" | undefined,
  records: (SourceRecord | undefined)[],
): Promise<void> {
  const typeReplies = await run(connection, "TYPE", (pipeline) => {
    for (const { key } of others) pipeline.type(key);
  });
  const reads: { index: number; key: Buffer; ttlMs: number | undefined; type: "string" | ConvertibleType }[] = [];
  others.forEach((other, i) => {
    const redisType = String(checked(connection, `TYPE ${printableKey(other.key)}`, typeReplies[i] as Reply));
    if (redisType === "none") return;
    const type = sourceTypeOf(redisType);
    // A key that answered WRONGTYPE and is a string now was replaced in between: read it again.
    if (type === "string" || (convert === "json" && type !== "other")) reads.push({ ...other, type });
    else records[other.index] = { key: other.key, type, value: undefined, ttlMs: other.ttlMs };
  });
  if (reads.length === 0) return;
  const readReplies = await run(connection, "reading structures", (pipeline) => {
    for (const { key, type } of reads) {
      const [command, ...args] = type === "string" ? ["GET"] : READ_COMMAND[type];
      pipeline.callBuffer(command as string, key, ...args);
    }
  });
  reads.forEach(({ index, key, ttlMs, type }, i) => {
    const [error, reply] = readReplies[i] as Reply;
    if (error) {
      if (!isWrongType(error)) throw connection.fail(`reading ${type} ${printableKey(key)}`, error);
      records[index] = { key, type, value: undefined, skipReason: "its type changed while it was read", ttlMs };
      return;
    }
    if (type === "string") {
      if (Buffer.isBuffer(reply)) records[index] = { key, type, value: reply, ttlMs };
      return;
    }
    // Redis deletes a structure with its last member: an empty reply means the key is gone.
    if (!Array.isArray(reply) || reply.length === 0) return;
    const converted = structureToJson(type, reply as Buffer[]);
    records[index] =
      "value" in converted
        ? { key, type, value: converted.value, ttlMs }
        : { key, type, value: undefined, skipReason: converted.skipReason, ttlMs };
  });
}

async function run(connection: RedisConnection, what: string, fill: (pipeline: ChainableCommander) => void): Promise<Reply[]> {
  const pipeline = connection.client.pipeline();
  fill(pipeline);
  let replies: Reply[] | null;
  try {
    replies = await pipeline.exec();
  } catch (error) {
    throw connection.fail(what, error);
  }
  if (replies === null) throw connection.fail(what, new Error("the pipeline was discarded"));
  return replies;
}

function checked(connection: RedisConnection, what: string, [error, result]: Reply): unknown {
  if (error) throw connection.fail(what, error);
  return result;
}

function isWrongType(error: Error): boolean {
  return error.message.startsWith("WRONGTYPE");
}

function sourceTypeOf(redisType: string): SourceType {
  switch (redisType) {
    case "string":
    case "hash":
    case "list":
    case "set":
    case "zset":
      return redisType;
    default:
      // Streams, vector sets and module types (ReJSON-RL, …) have no conversion.
      return "other";
  }
}
