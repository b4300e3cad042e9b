import { errors, Redis } from "@upstash/redis";
import { inject } from "vitest";
import { describeGatewayConformance } from "./gateway-conformance-suite.js";

describeGatewayConformance("node", {
  url: inject("gatewayUrl"),
  token: inject("gatewayToken"),
  controlUrl: inject("gatewayControlUrl"),
  controlToken: inject("gatewayControlToken"),
  createRedis: (settings) => new Redis(settings),
  UpstashError: errors.UpstashError,
});
