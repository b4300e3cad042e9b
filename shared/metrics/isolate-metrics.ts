import { Histogram } from "./histogram";

/**
 * What this isolate measured since it started. Isolates are evicted at any time, so these reset
 * with them: they describe latency, not totals (totals come from the counters in Redis).
 */
export class IsolateMetrics {
  readonly startedAt = Date.now();
  /** Request latency by how the read was answered: HIT-L1, HIT-L2, STALE, MISS. */
  readonly readLatency = new Map<string, Histogram>();
  /** Latency of each request to Redis, by outcome. */
  readonly redisLatency = new Map<"ok" | "error", Histogram>();
  /** Tenant counter updates this isolate could not deliver to Redis (stats-buffer.ts). */
  droppedStatsUpdates = 0;

  observeRead(status: string, seconds: number): void {
    histogramIn(this.readLatency, status).observe(seconds);
  }

  observeRedis(outcome: "ok" | "error", seconds: number): void {
    histogramIn(this.redisLatency, outcome).observe(seconds);
  }

  countDroppedStats(updates: number): void {
    this.droppedStatsUpdates += updates;
  }
}

function histogramIn<K>(map: Map<K, Histogram>, key: K): Histogram {
  let histogram = map.get(key);
  if (!histogram) {
    histogram = new Histogram();
    map.set(key, histogram);
  }
  return histogram;
}
