import type { TenantId } from "../shared/cache/keys";
import type { RequestBudget } from "../shared/redis/request-budget";
import type { Services } from "../shared/services";
import type { TenantRecord } from "../shared/tenants/tenant-record";
import type { TokenRecord } from "../shared/tenants/token-record";
import type { HeaderRecord } from "./http/response-headers";

/** Hono's typing of this app: the Worker bindings and what middleware puts on the context. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** Headers for whatever answers the request (functions/http/response-headers.ts). */
    responseHeaders: HeaderRecord;
    /** The answer was built with them already. */
    responseHeadersApplied?: boolean;
    services: Services;
    /** The request's one Redis budget, on the routes that have one (request-context.ts). */
    redisBudget?: RequestBudget;
    /** Set by tenant auth on /v1 routes: the only source of the tenant a handler works for. */
    tenant: TenantId;
    tenantRecord: TenantRecord;
    token: TokenRecord;
    /** What the request log reports as the tier that answered. */
    cacheStatus?: string;
  };
}
