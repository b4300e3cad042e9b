import { SourceError } from "../source-error.ts";
import type { SourcePage } from "../source-record.ts";
import type { RedisConnection } from "./redis-connection.ts";
import { readRedisRecords } from "./redis-records.ts";

/** What one pass of SCAN pages reads. */
export interface ScanOptions {
  match: string | undefined;
  count: number;
  convert: "json" | undefined;
  /** A SCAN cursor to resume after, "0" to start at the beginning. */
  from: string;
}

/**
 * A SCAN reply that lists no key (MATCH filters everything Redis looked at) still moves the
 * cursor on; one of them becomes an empty page at most this often, so a sparse MATCH over a big
 * keyspace still gives a resumable checkpoint without a page per round trip.
 */
const EMPTY_PAGE_EVERY_MS = 1000;

/** One page per SCAN reply, its keys read in one pipeline; keys gone by then are left out. */
export async function* scanPages(connection: RedisConnection, options: ScanOptions): AsyncGenerator<SourcePage> {
  if (!/^\d+$/.test(options.from)) throw new SourceError(`${connection.description}: "${options.from}" is not a SCAN cursor`);
  let cursor = options.from;
  let lastPageAt = Date.now();
  do {
    const [next, keys] = await scan(connection, cursor, options);
    cursor = next;
    const done = cursor === "0";
    if (keys.length === 0 && !done && Date.now() - lastPageAt < EMPTY_PAGE_EVERY_MS) continue;
    const records = (await readRedisRecords(connection, keys, options.convert)).filter((record) => record !== undefined);
    yield { records, cursor, done };
    lastPageAt = Date.now();
  } while (cursor !== "0");
}

async function scan(connection: RedisConnection, cursor: string, options: ScanOptions): Promise<[string, Buffer[]]> {
  const { client } = connection;
  try {
    // The cursor stays a string: it is an unsigned 64-bit number, past what a double holds exactly.
    const [next, keys] =
      options.match === undefined
        ? await client.scanBuffer(cursor, "COUNT", options.count)
        : await client.scanBuffer(cursor, "MATCH", options.match, "COUNT", options.count);
    return [next.toString("latin1"), keys];
  } catch (error) {
    throw connection.fail(`SCAN ${cursor}`, error);
  }
}
