import type { DashboardWindow } from "../../shared/dashboard/windows";

/** The dashboard's own URL for a tenant (admin sessions name it) and a window. */
export function dashboardHref(options: { tenant?: string; window?: DashboardWindow }): string {
  const query = new URLSearchParams();
  if (options.tenant) query.set("tenant", options.tenant);
  if (options.window) query.set("window", options.window);
  const search = query.toString();
  return search ? `/dashboard?${search}` : "/dashboard";
}
