/**
 * The time windows the dashboard's hit-ratio chart offers. Each minute of a window is one
 * HGETALL (a day is 1,440 of them), so longer windows are summed into coarser buckets: the chart
 * keeps about a hundred points whatever the window, and the settled-minute cache
 * (settled-minutes.ts) keeps a refreshed page from reading the same minutes again.
 */
export const DASHBOARD_WINDOWS = {
  "1h": { minutes: 60, bucketMinutes: 1 },
  "6h": { minutes: 360, bucketMinutes: 5 },
  "24h": { minutes: 1440, bucketMinutes: 15 },
} as const satisfies Record<string, { minutes: number; bucketMinutes: number }>;

export type DashboardWindow = keyof typeof DASHBOARD_WINDOWS;

export const DEFAULT_WINDOW: DashboardWindow = "1h";

export function isDashboardWindow(value: string): value is DashboardWindow {
  return Object.hasOwn(DASHBOARD_WINDOWS, value);
}
