import { Redis } from "ioredis";
import { type RunningRedis, startRedis } from "../../../dev/redis/launcher.ts";
import { runPool } from "../../scale/seed/pool.ts";
import { legacyKey, legacyTtlSeconds, legacyValue, VALUE_BYTES } from "./legacy-values.ts";

export interface SeededSource {
  redis: RunningRedis;
  keys: number;
  seconds: number;
  /** redis-server's used_memory once seeded. */
  usedMemoryBytes: number;
}

// Pipelines of 1,000 SETs, a few in flight: the legacy Redis is never the slow part of seeding.
const CHUNK_KEYS = 1000;
const CHUNKS_IN_FLIGHT = 4;

/**
 * A legacy redis-server holding `keys` strings of 1 KiB with TTLs, written as an application
 * would (SET … EX), not with DEBUG POPULATE: that writes values with no TTL and the same bytes
 * pattern, and the copy would then measure neither lifetimes nor compression of realistic text.
 */
export async function seedSource(keys: number): Promise<SeededSource> {
  const redis = await startRedis();
  const client = new Redis(redis.url, { lazyConnect: true });
  const started = performance.now();
  try {
    await client.connect();
    await runPool(Math.ceil(keys / CHUNK_KEYS), CHUNKS_IN_FLIGHT, async (chunk) => {
      const pipeline = client.pipeline();
      const end = Math.min(keys, (chunk + 1) * CHUNK_KEYS);
      for (let i = chunk * CHUNK_KEYS; i < end; i++) pipeline.set(legacyKey(i), legacyValue(i), "EX", legacyTtlSeconds(i));
      const replies = (await pipeline.exec()) ?? [];
      const failed = replies.find(([error]) => error);
      if (failed?.[0]) throw failed[0];
    });
    const seeded = await client.dbsize();
    if (seeded !== keys) throw new Error(`edge-cache bench: seeded ${keys} keys of ${VALUE_BYTES} bytes, the legacy Redis holds ${seeded}`);
    const usedMemoryBytes = Number(/used_memory:(\d+)/.exec(await client.info("memory"))?.[1] ?? 0);
    return { redis, keys, seconds: (performance.now() - started) / 1000, usedMemoryBytes };
  } catch (error) {
    await redis.stop();
    throw error;
  } finally {
    client.disconnect();
  }
}
