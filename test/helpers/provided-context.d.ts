// Values the global setup provides to every test project (see test/helpers/node/global-setup.ts).
export {};

declare module "vitest" {
  interface ProvidedContext {
    /** Base URL of the Upstash-compatible gateway: UPSTASH_REDIS_REST_URL. */
    gatewayUrl: string;
    /** UPSTASH_REDIS_REST_TOKEN for the gateway. */
    gatewayToken: string;
    /** `<origin>/__control`: fault injection and counters. */
    gatewayControlUrl: string;
    gatewayControlToken: string;
    /** `redis://127.0.0.1:<port>`, for Node tests that inspect Redis directly. */
    redisUrl: string;
    /** The second database's gateway (its own redis-server): UPSTASH_REDIS_REST_URL_NEXT in migration tests. */
    nextGatewayUrl: string;
    nextGatewayToken: string;
    nextGatewayControlUrl: string;
    nextGatewayControlToken: string;
    /** `http://127.0.0.1:<port>` of the test origin server, for warming tests. */
    originUrl: string;
  }
}
