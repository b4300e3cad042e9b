// Bindings the vitest worker project adds for tests only (vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    GATEWAY_CONTROL_URL: string;
    GATEWAY_CONTROL_TOKEN: string;
    /** The test origin server (test/helpers/node/origin-server.ts). */
    ORIGIN_URL: string;
    /** The second database's gateway, for migration tests (test/shared/l2/). */
    NEXT_GATEWAY_URL: string;
    NEXT_GATEWAY_TOKEN: string;
    NEXT_GATEWAY_CONTROL_URL: string;
    NEXT_GATEWAY_CONTROL_TOKEN: string;
  }
}
