// Bindings the vitest worker project adds for tests only (vitest.config.ts).
declare namespace Cloudflare {
  interface Env {
    GATEWAY_CONTROL_URL: string;
    GATEWAY_CONTROL_TOKEN: string;
    /** The test origin server (test/helpers/node/origin-server.ts). */
    ORIGIN_URL: string;
  }
}
