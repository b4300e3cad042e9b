import { env } from "cloudflare:workers";
import { errors, Redis } from "@upstash/redis/cloudflare";
import { describeGatewayConformance } from "./gateway-conformance-suite.js";

/** The bindings vitest.config.ts fills in from the global setup. */
interface GatewayBindings {
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
  GATEWAY_CONTROL_URL: string;
  GATEWAY_CONTROL_TOKEN: string;
}
const bindings = env as unknown as GatewayBindings;

describeGatewayConformance("workerd", {
  url: bindings.UPSTASH_REDIS_REST_URL,
  token: bindings.UPSTASH_REDIS_REST_TOKEN,
  controlUrl: bindings.GATEWAY_CONTROL_URL,
  controlToken: bindings.GATEWAY_CONTROL_TOKEN,
  createRedis: (settings) => new Redis(settings),
  UpstashError: errors.UpstashError,
});
