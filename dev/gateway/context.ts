import type { ResolvedGatewayOptions } from "./options.ts";
import type { RedisPool } from "./redis-pool.ts";
import type { Scopes } from "./scopes.ts";
import type { UpstashScriptFlags } from "./script-flags.ts";
import type { SyncToken } from "./sync-token.ts";

/** What the route handlers of one gateway share. */
export interface GatewayContext {
  options: ResolvedGatewayOptions;
  scopes: Scopes;
  pool: RedisPool;
  syncToken: SyncToken;
  scriptFlags: UpstashScriptFlags;
}
