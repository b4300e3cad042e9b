import { setTimeout as sleep } from "node:timers/promises";
import type { Redis } from "ioredis";
import { scanKeys } from "../stack/redis-reader.ts";

/** Prefix of edge-cache's rate-limit counters (shared/cache/keys.ts RATE_LIMIT_REDIS_PREFIX). */
const PATTERN = "ecsys:rl:*";

/**
 * Reads the sliding-window counters the rate limiter keeps in Redis (`<prefix>:<rule>:<identifier>:<window>`),
 * keeping the highest value seen per key. Counters live two windows plus a second, so polling
 * well inside that catches each window's final count, Redis outages aside.
 */
export class RateLimitSampler {
  /** Redis key → highest count seen. */
  readonly counters = new Map<string, number>();
  failedPolls = 0;
  #stopped = false;
  #loop: Promise<void> | undefined;

  constructor(
    readonly redis: Redis,
    readonly intervalMs: number,
  ) {}

  start(): void {
    this.#loop = (async () => {
      while (!this.#stopped) {
        await this.poll();
        await sleep(this.intervalMs);
      }
    })();
  }

  async poll(): Promise<void> {
    try {
      const keys = await scanKeys(this.redis, PATTERN);
      if (keys.length === 0) return;
      const values = await this.redis.mget(...keys);
      keys.forEach((key, i) => {
        const value = Number(values[i]);
        if (Number.isFinite(value) && value > (this.counters.get(key) ?? 0)) this.counters.set(key, value);
      });
    } catch {
      this.failedPolls++;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#loop;
    await this.poll();
  }
}
