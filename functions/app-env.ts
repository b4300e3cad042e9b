import type { TenantId } from "../shared/cache/keys";
import type { Services } from "../shared/services";
import type { TenantRecord } from "../shared/tenants/tenant-record";
import type { TokenRecord } from "../shared/tenants/token-record";

/** Hono's typing of this app: the Worker bindings and what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    services: Services;
    /** Set by tenant auth on /v1 routes: the only source of the tenant a handler works for. */
    tenant: TenantId;
    tenantRecord: TenantRecord;
    token: TokenRecord;
    /** What the request log reports as the tier that answered. */
    cacheStatus?: string;
  };
}
