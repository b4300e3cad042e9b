import type { DashboardSnapshot } from "../../shared/dashboard/dashboard-snapshot";
import { DASHBOARD_WINDOWS } from "../../shared/dashboard/windows";
import { formatDateTime } from "./format";
import { Layout } from "./layout";
import { CountersTable } from "./panels/counters-table";
import { HealthPanel } from "./panels/health-panel";
import { HitRatioChart } from "./panels/hit-ratio-chart";
import { PanelFrame } from "./panels/panel-frame";
import { TierSplit } from "./panels/tier-split";
import { TopKeys } from "./panels/top-keys";
import { WarmRuns } from "./panels/warm-runs";
import type { TenantChoice } from "./tenant-picker";
import { TopBar } from "./top-bar";

// Longer windows change slowly and cost more to read: they refresh less often.
const REFRESH_SECONDS = { "1h": 30, "6h": 120, "24h": 300 } as const;

export interface DashboardPageProps {
  nonce: string;
  snapshot: DashboardSnapshot;
  signedInAs: string;
  /** Admin sessions: every tenant, for the picker. */
  tenants?: TenantChoice[];
}

export function DashboardPage({ nonce, snapshot, signedInAs, tenants }: DashboardPageProps) {
  const window = DASHBOARD_WINDOWS[snapshot.window];
  const refresh = REFRESH_SECONDS[snapshot.window];
  return (
    <Layout title={`${snapshot.tenant} · edge-cache dashboard`} nonce={nonce} refreshSeconds={refresh}>
      <TopBar tenant={snapshot.tenant} window={snapshot.window} signedInAs={signedInAs} {...(tenants ? { tenants } : {})} />
      <main data-tenant={snapshot.tenant}>
        {snapshot.store === "memory" ? (
          <p class="note" data-note="memory-only">
            Memory-only mode: the counts are this isolate's own, since the last time it started. The hit ratio over time, the top keys and
            warm runs need Redis.
          </p>
        ) : null}
        {snapshot.store === "redis" && !snapshot.totals.complete ? (
          <p class="note" data-note="incomplete">
            Redis could not be read: the counts below are only what this isolate has not flushed yet.
          </p>
        ) : null}
        <div class="grid">
          <PanelFrame
            id="hit-ratio"
            title={`Hit ratio, last ${snapshot.window} (UTC, ${window.bucketMinutes}-minute buckets)`}
            panel={snapshot.series}
            needsRedis="The time series is kept per minute in Redis."
            wide
            render={(series) => <HitRatioChart series={series} />}
          />
          <TierSplit totals={snapshot.totals} />
          <CountersTable snapshot={snapshot} />
          <PanelFrame
            id="top-keys"
            title="Top keys by reads, last 24 h"
            panel={snapshot.topKeys}
            needsRedis="Reads per key are counted in Redis."
            render={(keys) => <TopKeys keys={keys} />}
          />
          <HealthPanel health={snapshot.health} />
          <PanelFrame
            id="warm"
            title="Warm plans and runs"
            panel={snapshot.warm}
            needsRedis="Warm plans live in Redis."
            wide
            render={(warm) => <WarmRuns warm={warm} />}
          />
        </div>
        <footer>
          {`Rendered ${formatDateTime(snapshot.generatedAt)}; reloads every ${refresh} s. Totals are those of GET /v1/stats; the chart shows what isolates have flushed.`}
        </footer>
      </main>
    </Layout>
  );
}
