import { Redis } from "ioredis";

export interface L2Contents {
  /** Keys under the tenant's entry prefix (`ec:<tenant>:e:*`, shared/cache/keys.ts). */
  entries: number;
  /** Every key in the L2, edge-cache's own records (tenants, tokens, storage use, stats) included. */
  dbsize: number;
  /** INFO stats evicted_keys: anything but 0 means the L2 dropped entries the copy wrote. */
  evictedKeys: number;
  usedMemoryBytes: number;
}

/**
 * What the L2 holds after a copy. Entries are counted by SCAN over the tenant's prefix rather than
 * taken from DBSIZE, which also counts the records edge-cache keeps beside the entries.
 */
export async function readL2Contents(redisUrl: string, tenant: string): Promise<L2Contents> {
  const client = new Redis(redisUrl, { lazyConnect: true });
  try {
    await client.connect();
    let entries = 0;
    let cursor = "0";
    do {
      const [next, keys] = await client.scan(cursor, "MATCH", `ec:${tenant}:e:*`, "COUNT", 10_000);
      entries += keys.length;
      cursor = next;
    } while (cursor !== "0");
    const info = `${await client.info("stats")}\n${await client.info("memory")}`;
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? Number.NaN);
    return { entries, dbsize: await client.dbsize(), evictedKeys: field("evicted_keys"), usedMemoryBytes: field("used_memory") };
  } finally {
    client.disconnect();
  }
}
