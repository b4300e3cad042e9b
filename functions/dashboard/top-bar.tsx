import { DASHBOARD_WINDOWS, type DashboardWindow } from "../../shared/dashboard/windows";
import { dashboardHref } from "./links";
import type { TenantChoice } from "./tenant-picker";
import { TenantPicker } from "./tenant-picker";

export interface TopBarProps {
  /** Absent on the admin's tenant list. */
  tenant?: string;
  window: DashboardWindow;
  /** Set for admin sessions: they choose the tenant. */
  tenants?: TenantChoice[];
  signedInAs: string;
}

export function TopBar({ tenant, window, tenants, signedInAs }: TopBarProps) {
  const admin = tenants !== undefined;
  return (
    <header class="top">
      <h1>
        edge-cache{tenant ? " · " : ""}
        {tenant ? <span class="tenant">{tenant}</span> : null}
      </h1>
      {tenant ? (
        <nav class="windows" aria-label="Time window">
          {(Object.keys(DASHBOARD_WINDOWS) as DashboardWindow[]).map((name) => (
            <a href={dashboardHref({ ...(admin ? { tenant } : {}), window: name })} aria-current={name === window ? "page" : undefined}>
              {name}
            </a>
          ))}
        </nav>
      ) : null}
      <span class="spacer" />
      {admin && tenant ? <TenantPicker tenants={tenants} selected={tenant} window={window} compact /> : null}
      <span class="who">{signedInAs}</span>
      <form class="inline" method="post" action="/dashboard/session/delete">
        <button class="quiet" type="submit">
          Sign out
        </button>
      </form>
    </header>
  );
}
