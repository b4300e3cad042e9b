import { Redis } from "ioredis";

/**
 * Looks at the benchmark's redis-server directly, never through the gateway, so observing adds
 * nothing to the gateway scope being counted. Two things the gateway cannot tell apart (every
 * edge-cache call is an EVALSHA) are read here:
 *
 * - stats flushes, by the marker each one leaves: `ec:<tenant>:f:<flush id>`, kept 300 s (longer
 *   than any run), one per tenant per flush, each flush being one gateway request;
 * - commands run inside scripts, from `INFO commandstats`.
 */
export class RedisObserver {
  readonly #redis: Redis;
  readonly #markerPattern: string;

  constructor(redisUrl: string, tenant: string) {
    this.#redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    this.#markerPattern = `ec:${tenant}:f:*`;
  }

  async flushMarkers(): Promise<Set<string>> {
    const keys = new Set<string>();
    let cursor = "0";
    do {
      const [next, batch] = await this.#redis.scan(cursor, "MATCH", this.#markerPattern, "COUNT", 10_000);
      for (const key of batch) keys.add(key);
      cursor = next;
    } while (cursor !== "0");
    return keys;
  }

  /** Calls per command since the server started, scripts' inner calls included. */
  async commandCalls(): Promise<Record<string, number>> {
    const calls: Record<string, number> = {};
    for (const line of (await this.#redis.info("commandstats")).split("\n")) {
      const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
      if (match) calls[match[1] as string] = Number(match[2]);
    }
    return calls;
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => {});
  }
}

/** Markers in `after` that were not in `before`. */
export function newMarkers(before: Set<string>, after: Set<string>): number {
  let added = 0;
  for (const key of after) if (!before.has(key)) added++;
  return added;
}

export function callsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const diff: Record<string, number> = {};
  for (const [name, calls] of Object.entries(after)) if (calls !== (before[name] ?? 0)) diff[name] = calls - (before[name] ?? 0);
  return diff;
}
