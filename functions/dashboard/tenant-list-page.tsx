import type { DashboardWindow } from "../../shared/dashboard/windows";
import { Layout } from "./layout";
import { type TenantChoice, TenantPicker } from "./tenant-picker";
import { TopBar } from "./top-bar";

export interface TenantListPageProps {
  nonce: string;
  tenants: TenantChoice[];
  window: DashboardWindow;
  signedInAs: string;
  error?: string;
}

/** What an admin session sees before choosing a tenant. */
export function TenantListPage({ nonce, tenants, window, signedInAs, error }: TenantListPageProps) {
  return (
    <Layout title="Tenants · edge-cache dashboard" nonce={nonce}>
      <TopBar window={window} signedInAs={signedInAs} tenants={tenants} />
      <main>
        <section class="panel signin" data-panel="tenant-picker">
          <h2>Choose a tenant</h2>
          {error ? (
            <p class="error" role="alert">
              {error}
            </p>
          ) : null}
          {tenants.length === 0 ? (
            <p class="empty">No tenants yet. Create one with POST /admin/tenants.</p>
          ) : (
            <TenantPicker tenants={tenants} window={window} />
          )}
        </section>
      </main>
    </Layout>
  );
}
