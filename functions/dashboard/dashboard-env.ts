import type { AppEnv } from "../app-env";

/** The app's context plus what the dashboard's own middleware sets. */
export interface DashboardEnv {
  Bindings: AppEnv["Bindings"];
  Variables: AppEnv["Variables"] & {
    /** The nonce the page's one stylesheet carries, named in this response's CSP. */
    cspNonce: string;
  };
}
