import type { HealthReport } from "../../../shared/health";
import { formatBytes, formatCount } from "../format";

/** `GET /health` as the isolate that rendered the page sees it. */
export function HealthPanel({ health }: { health: HealthReport }) {
  return (
    <section class="panel" data-panel="health" aria-label="Health">
      <h2>Health</h2>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <span class={`badge ${health.status}`} data-health={health.status}>
            {health.status}
          </span>
        </dd>
        <dt>Store</dt>
        <dd>{health.store === "redis" ? "Redis (L2) behind this isolate's memory (L1)" : "memory only"}</dd>
        {health.redis ? (
          <>
            <dt>Redis</dt>
            <dd>
              {health.redis.reachable ? "reachable" : "unreachable"}
              {health.redis.latencyMs !== null ? `, ping ${health.redis.latencyMs} ms` : ""}
            </dd>
            <dt>Circuit</dt>
            <dd>{health.redis.circuit}</dd>
          </>
        ) : null}
        <dt>Isolate L1</dt>
        <dd>{`${formatCount(health.l1.entries)} entries, ${formatBytes(health.l1.bytes)} of ${formatBytes(health.l1.budgetBytes)}`}</dd>
        <dt>Version</dt>
        <dd>{health.version}</dd>
      </dl>
    </section>
  );
}
