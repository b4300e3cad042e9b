import type { TenantId } from "../shared/cache/keys";
import type { Services } from "../shared/services";

/** Hono's typing of this app: the Worker bindings and what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    services: Services;
    tenant: TenantId;
  };
}
