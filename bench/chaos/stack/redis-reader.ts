import { Redis } from "ioredis";

/**
 * A direct ioredis connection for reading what Redis really holds, beside the gateway and its
 * faults. It reconnects on its own after a restart and fails fast while Redis is down.
 */
export function openRedisReader(url: string): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    commandTimeout: 2000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => 200,
  });
  client.on("error", () => {});
  return client;
}

/** SCAN over a pattern, every key once. */
export async function scanKeys(client: Redis, pattern: string): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = "0";
  do {
    const [next, batch] = await client.scan(cursor, "MATCH", pattern, "COUNT", 500);
    for (const key of batch) keys.add(key);
    cursor = next;
  } while (cursor !== "0");
  return [...keys];
}

/** Waits until the reader is connected (it reconnects by itself after a restart). */
export async function whenReady(client: Redis, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (client.status !== "ready") {
    if (Date.now() > until) throw new Error(`chaos: the Redis reader did not reconnect within ${timeoutMs} ms (${client.status})`);
    if (client.status === "wait" || client.status === "end") await client.connect().catch(() => {});
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
