import type { MemoryUsage } from "../cache/memory-store";
import type { CircuitState } from "../redis/circuit-breaker";
import { COUNTER_NAMES, type Counters } from "../stats/counters";
import type { Histogram } from "./histogram";
import type { IsolateMetrics } from "./isolate-metrics";

export interface MetricsSnapshot {
  /** Per tenant, summed over every isolate that flushed to Redis; absent in memory-only mode. */
  tenants: { tenant: string; counters: Counters }[] | undefined;
  isolate: IsolateMetrics;
  l1: MemoryUsage;
  circuit: CircuitState | undefined;
}

const COUNTER_HELP: Record<(typeof COUNTER_NAMES)[number], string> = {
  l1Hits: "Reads answered from an isolate's memory",
  l2Hits: "Reads answered from Redis",
  staleServed: "Reads answered with a stale copy",
  misses: "Reads that found nothing",
  sets: "Values written",
  deletes: "Keys deleted",
  errors: "Requests that ended in a server error",
  memoryOnlyWrites: "Writes kept in one isolate's memory because Redis was unavailable",
  bytesIn: "Value bytes written",
  bytesOut: "Value bytes read",
  tagInvalidations: "Tags invalidated",
  prefixInvalidations: "Key prefixes invalidated",
};

/** Prometheus text exposition format 0.0.4. */
export function renderPrometheus(snapshot: MetricsSnapshot): string {
  const lines: string[] = [];
  if (snapshot.tenants) {
    for (const name of COUNTER_NAMES) {
      const metric = `edge_cache_${snake(name)}_total`;
      lines.push(`# HELP ${metric} ${COUNTER_HELP[name]}, all isolates (from Redis; up to one flush interval behind).`);
      lines.push(`# TYPE ${metric} counter`);
      for (const { tenant, counters } of snapshot.tenants) lines.push(`${metric}{tenant="${escapeLabel(tenant)}"} ${counters[name]}`);
    }
  }
  histogramFamily(
    lines,
    "edge_cache_read_duration_seconds",
    "Read latency by how it was answered, this isolate only (resets with it).",
    "cache",
    snapshot.isolate.readLatency,
  );
  histogramFamily(
    lines,
    "edge_cache_redis_request_duration_seconds",
    "Latency of requests to Redis, this isolate only (resets with it).",
    "outcome",
    snapshot.isolate.redisLatency,
  );
  gauge(lines, "edge_cache_l1_entries", "Entries in this isolate's memory tier.", snapshot.l1.entries);
  gauge(lines, "edge_cache_l1_bytes", "Estimated bytes held by this isolate's memory tier.", snapshot.l1.bytes);
  gauge(lines, "edge_cache_l1_budget_bytes", "Byte budget of this isolate's memory tier.", snapshot.l1.budgetBytes);
  if (snapshot.circuit) {
    lines.push("# HELP edge_cache_redis_circuit_state Circuit breaker around Redis in this isolate (1 for the current state).");
    lines.push("# TYPE edge_cache_redis_circuit_state gauge");
    for (const state of ["closed", "open", "half-open"] as const)
      lines.push(`edge_cache_redis_circuit_state{state="${state}"} ${state === snapshot.circuit ? 1 : 0}`);
  }
  lines.push(
    "# HELP edge_cache_stats_dropped_updates_total Tenant counter updates this isolate dropped: its buffer was full, or Redis did not take a flush for minutes (resets with it).",
    "# TYPE edge_cache_stats_dropped_updates_total counter",
    `edge_cache_stats_dropped_updates_total ${snapshot.isolate.droppedStatsUpdates}`,
  );
  gauge(
    lines,
    "edge_cache_isolate_uptime_seconds",
    "Seconds since this isolate built its services.",
    Math.round((Date.now() - snapshot.isolate.startedAt) / 1000),
  );
  return `${lines.join("\n")}\n`;
}

function histogramFamily(lines: string[], metric: string, help: string, label: string, histograms: Map<string, Histogram>): void {
  lines.push(`# HELP ${metric} ${help}`, `# TYPE ${metric} histogram`);
  for (const [value, histogram] of histograms) {
    const labels = `${label}="${escapeLabel(value)}"`;
    histogram.bounds.forEach((bound, i) => {
      lines.push(`${metric}_bucket{${labels},le="${bound}"} ${histogram.counts[i]}`);
    });
    lines.push(`${metric}_bucket{${labels},le="+Inf"} ${histogram.count}`);
    lines.push(`${metric}_sum{${labels}} ${histogram.sum}`, `${metric}_count{${labels}} ${histogram.count}`);
  }
}

function gauge(lines: string[], metric: string, help: string, value: number): void {
  lines.push(`# HELP ${metric} ${help}`, `# TYPE ${metric} gauge`, `${metric} ${value}`);
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
