import type { DashboardWindow } from "../../shared/dashboard/windows";

export interface TenantChoice {
  id: string;
  name?: string;
  status: "active" | "disabled";
}

export interface TenantPickerProps {
  tenants: TenantChoice[];
  selected?: string;
  window: DashboardWindow;
  /** In the top bar: no label, a small button. */
  compact?: boolean;
}

/** Admin sessions see any tenant: a GET form that sets `?tenant=`. */
export function TenantPicker({ tenants, selected, window, compact }: TenantPickerProps) {
  const select = (
    <select id="tenant" name="tenant" aria-label="Tenant" required>
      {tenants.map((tenant) => (
        <option value={tenant.id} selected={tenant.id === selected}>
          {tenant.id}
          {tenant.name ? ` (${tenant.name})` : ""}
          {tenant.status === "disabled" ? " [disabled]" : ""}
        </option>
      ))}
    </select>
  );
  return (
    <form class={compact ? "compact-picker" : "picker"} method="get" action="/dashboard">
      {compact ? (
        select
      ) : (
        <div>
          <label for="tenant">Tenant</label>
          {select}
        </div>
      )}
      <input type="hidden" name="window" value={window} />
      <button class={compact ? "quiet" : undefined} type="submit">
        Open
      </button>
    </form>
  );
}
