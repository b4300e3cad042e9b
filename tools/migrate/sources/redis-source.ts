import { SourceError } from "../source-error.ts";
import type { Source } from "../source-record.ts";
import { connectRedis, type RedisConnectOptions } from "./redis-connection.ts";
import { scanPages } from "./redis-pages.ts";
import { readRedisRecords } from "./redis-records.ts";
import { parseRedisUrl } from "./redis-url.ts";

/** A Redis source: where it is, which keys, and whether structures are converted. */
export interface RedisSourceOptions extends RedisConnectOptions {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://…` for TLS. */
  url: string;
  /** SCAN MATCH pattern: only keys that match are read. @default every key */
  match?: string;
  /** SCAN COUNT: slots Redis walks per call, so roughly the keys per page. @default 1000 */
  count?: number;
  /** "json": hashes, lists, sets and sorted sets are read and converted to JSON. @default undefined (their values are not read) */
  convert?: "json";
}

/**
 * A Redis database as a migration source: SCAN (never KEYS, which blocks the server) page by page,
 * resumable from a page's cursor. Connects before it returns, so an unreachable server is reported
 * at once as a SourceError naming the URL (without its password).
 */
export async function createRedisSource(options: RedisSourceOptions): Promise<Source> {
  const target = parseRedisUrl(options.url);
  const count = options.count ?? 1000;
  if (!Number.isInteger(count) || count < 1) throw new SourceError(`SCAN COUNT must be a whole number from 1, not ${count}`);
  const { match, convert } = options;
  const connection = await connectRedis(target, options);
  return {
    description: target.description,
    identity: `${target.identity} match=${match ?? "*"}`,
    resume: "cursor",
    // The whole database's size, also under MATCH: Redis cannot count matching keys without a scan.
    async estimateTotal() {
      try {
        return await connection.client.dbsize();
      } catch (error) {
        throw connection.fail("DBSIZE", error);
      }
    },
    pages: (from) => scanPages(connection, { from, match, count, convert }),
    read: (keys) => readRedisRecords(connection, keys, convert),
    close: () => connection.close(),
  };
}
