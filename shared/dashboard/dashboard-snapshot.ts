import type { TenantId } from "../cache/keys";
import { checkHealth, type HealthReport } from "../health";
import type { Services } from "../services";
import { readTopKeys } from "../stats/stats-reader";
import { type HitRatioSeries, readHitRatioSeries } from "./hit-ratio-series";
import { SettledMinutes } from "./settled-minutes";
import { readTenantTotals, type TenantTotals } from "./totals";
import { readWarmSummary, type WarmSummary } from "./warm-summary";
import { DASHBOARD_WINDOWS, type DashboardWindow } from "./windows";

/** What a panel shows: its data, or why there is none. */
export type Panel<T> = { state: "ok"; value: T } | { state: "needs_redis" } | { state: "unavailable" };

export interface TopKey {
  key: string;
  reads: number;
}

export interface DashboardSnapshot {
  tenant: TenantId;
  window: DashboardWindow;
  generatedAt: number;
  store: "redis" | "memory";
  totals: TenantTotals;
  /** The tenant's share of the L1 of the isolate that answered. */
  l1: { entries: number; bytes: number; isolateBudgetBytes: number };
  /** The tenant's Redis storage use and budget, as `GET /v1/stats` reports them (both null memory-only). */
  storage: { usedBytes: number | null; budgetBytes: number | null };
  series: Panel<HitRatioSeries>;
  topKeys: Panel<TopKey[]>;
  warm: Panel<WarmSummary>;
  health: HealthReport;
}

export interface DashboardSnapshotOptions {
  window: DashboardWindow;
  /** The tenant's L2 storage budget (its effective limits). */
  storageBudgetBytes: number;
  /** @default Date.now() */
  now?: number;
  /** @default 10 */
  topKeys?: number;
  /** Warm runs shown, over all plans. @default 10 */
  runs?: number;
}

// A flush lands in the minute of its first attempt and is retried for up to 4 minutes, so a
// minute can still grow for that long after the flush interval; a minute more covers clock skew
// between isolates.
const FLUSH_RETRY_WINDOW_MS = 300_000;

const settledByServices = new WeakMap<Services, SettledMinutes>();

/** The isolate's settled-minute cache: one per services, so it lives and dies with the isolate's L1. */
function settledMinutesOf(services: Services): SettledMinutes {
  let settled = settledByServices.get(services);
  if (!settled) {
    settled = new SettledMinutes();
    settledByServices.set(services, settled);
  }
  return settled;
}

/**
 * Everything the dashboard shows of one tenant, gathered concurrently. A panel whose Redis read
 * fails says so instead of failing the page; totals follow `GET /v1/stats` exactly.
 */
export async function readDashboardSnapshot(
  services: Services,
  tenant: TenantId,
  options: DashboardSnapshotOptions,
): Promise<DashboardSnapshot> {
  const now = options.now ?? Date.now();
  const { redis, store, config } = services;
  const window = DASHBOARD_WINDOWS[options.window];
  const [totals, series, topKeys, warm, health] = await Promise.all([
    readTenantTotals(services, tenant),
    panel(redis, (runner) =>
      readHitRatioSeries(runner, tenant, {
        ...window,
        now,
        settled: settledMinutesOf(services),
        settleAfterMs: config.STATS_FLUSH_INTERVAL_MS + FLUSH_RETRY_WINDOW_MS,
      }),
    ),
    panel(redis, (runner) => readTopKeys(runner, tenant, options.topKeys ?? 10)),
    panel(redis, (runner) => readWarmSummary(runner, tenant, options.runs ?? 10)),
    checkHealth(services),
  ]);
  return {
    tenant,
    window: options.window,
    generatedAt: now,
    store: redis ? "redis" : "memory",
    totals,
    l1: { ...store.l1.tenantUsage(tenant), isolateBudgetBytes: config.L1_BUDGET_BYTES },
    storage: { usedBytes: totals.storageUsedBytes ?? null, budgetBytes: redis ? options.storageBudgetBytes : null },
    series,
    topKeys,
    warm,
    health,
  };
}

async function panel<T, R>(runner: R | undefined, read: (runner: R) => Promise<T>): Promise<Panel<T>> {
  if (!runner) return { state: "needs_redis" };
  // Redis runs behind the circuit breaker: an open circuit fails at once and the panel says so.
  return read(runner).then(
    (value): Panel<T> => ({ state: "ok", value }),
    (): Panel<T> => ({ state: "unavailable" }),
  );
}
