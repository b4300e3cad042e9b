import type { Source, SourcePage, SourceRecord } from "../source-record.ts";
import { inRuns } from "./in-runs.ts";
import { MemcachedClient, type MemcachedClientOptions } from "./memcached-client.ts";
import type { MetadumpEntry } from "./memcached-metadump.ts";
import { isTextProtocolKey, memcachedKeyId } from "./memcached-protocol.ts";
import { parseMemcachedUrl } from "./memcached-url.ts";

/** A memcached source: where it is and how many keys a page holds. */
export interface MemcachedSourceOptions extends MemcachedClientOptions {
  /** `memcached://host[:port]` (port 11211 when absent). */
  url: string;
  /** Keys per page: dumped, then fetched with one multi-get. @default 500 */
  pageSize?: number;
}

/**
 * A memcached server as a migration source. Keys come from `lru_crawler metadump all` on a
 * connection of their own (memcached accepts nothing else on it until the dump ends), values from
 * multi-gets on another. A dump has no cursor, so `pages(from)` always starts over (resume "keys":
 * the caller skips what it committed). Keys dumped but gone by the get are left out.
 */
export async function createMemcachedSource(options: MemcachedSourceOptions): Promise<Source> {
  const address = parseMemcachedUrl(options.url);
  const pageSize = options.pageSize ?? 500;
  const values = await MemcachedClient.connect(address, options);
  const dumps = new Set<MemcachedClient>();

  async function* pages(): AsyncGenerator<SourcePage> {
    const now = await serverClock(values);
    const dump = await MemcachedClient.connect(address, options);
    dumps.add(dump);
    let dumped = 0;
    try {
      for await (const run of inRuns(dump.metadump(), pageSize)) {
        const records = await readPage(values, run.items, now());
        dumped += run.items.length;
        yield { records, cursor: String(dumped), done: run.last };
      }
    } finally {
      dumps.delete(dump);
      await dump.close();
    }
  }

  return {
    description: address.description,
    identity: address.description,
    resume: "keys",
    async estimateTotal() {
      const items = Number((await values.stats()).curr_items);
      return Number.isFinite(items) ? items : undefined;
    },
    pages,
    async read(keys) {
      const found = await values.metaGetMany(keys);
      return keys.map((key, i) => {
        const value = found[i];
        if (value === undefined) return undefined;
        return {
          key,
          type: "string",
          value: value.value,
          flags: value.flags,
          ttlMs: value.ttlSeconds === undefined ? undefined : value.ttlSeconds * 1000,
        };
      });
    },
    async close() {
      await Promise.all([values.close(), ...[...dumps].map((dump) => dump.close())]);
    },
  };
}

async function readPage(values: MemcachedClient, entries: readonly MetadumpEntry[], nowMs: number): Promise<SourceRecord[]> {
  // `get` cannot name a key with spaces or control characters (stored through the binary or meta
  // protocol): those are fetched with meta get and base64 keys instead.
  const plain = entries.filter((entry) => isTextProtocolKey(entry.key));
  const odd = entries.filter((entry) => !isTextProtocolKey(entry.key));
  const found = await values.getMany(plain.map((entry) => entry.key));
  const oddValues = await values.metaGetMany(odd.map((entry) => entry.key));
  const records: SourceRecord[] = [];
  for (const entry of plain) {
    const value = found.get(memcachedKeyId(entry.key));
    if (value === undefined) continue;
    records.push({
      key: entry.key,
      type: "string",
      value: value.value,
      flags: value.flags,
      ttlMs: entry.exp === undefined ? undefined : entry.exp * 1000 - nowMs,
    });
  }
  odd.forEach((entry, i) => {
    const value = oddValues[i];
    if (value === undefined) return;
    records.push({
      key: entry.key,
      type: "string",
      value: value.value,
      flags: value.flags,
      ttlMs: value.ttlSeconds === undefined ? undefined : value.ttlSeconds * 1000,
    });
  });
  return records;
}

/**
 * The server's idea of now, in milliseconds: metadump's `exp` is a unix time on memcached's clock,
 * so lifetimes are measured against that clock, not this machine's (they may disagree by more than
 * the lifetimes at stake).
 */
async function serverClock(values: MemcachedClient): Promise<() => number> {
  const serverSeconds = Number((await values.stats()).time);
  const offsetMs = Number.isFinite(serverSeconds) ? serverSeconds * 1000 - Date.now() : 0;
  return () => Date.now() + offsetMs;
}
