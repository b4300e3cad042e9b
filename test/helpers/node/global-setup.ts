import type { TestProject } from "vitest/node";
import { isRedisServerAvailable } from "../../../dev/redis/availability.ts";
import { startLocalStack } from "../../../dev/stack.ts";
import { startOriginServer } from "./origin-server.ts";

/**
 * One redis-server and one gateway for the whole run, shared by both projects, and a second pair
 * for tests of a move between two databases. Tests isolate
 * themselves with random key prefixes, and with gateway scopes for faults and counters.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!isRedisServerAvailable()) {
    throw new Error("edge-cache tests need redis-server on PATH (Debian: apt-get install redis-server)");
  }
  const stack = await startLocalStack();
  project.provide("gatewayUrl", stack.gateway.url);
  project.provide("gatewayToken", stack.gateway.token);
  project.provide("gatewayControlUrl", stack.gateway.controlUrl);
  project.provide("gatewayControlToken", stack.gateway.controlToken);
  project.provide("redisUrl", stack.redis.url);
  // A second database for moves between two L2 databases (test/shared/l2/).
  const next = await startLocalStack();
  project.provide("nextGatewayUrl", next.gateway.url);
  project.provide("nextGatewayToken", next.gateway.token);
  project.provide("nextGatewayControlUrl", next.gateway.controlUrl);
  project.provide("nextGatewayControlToken", next.gateway.controlToken);
  // Origins for warming tests (test/helpers/node/origin-server.ts).
  const origin = await startOriginServer();
  project.provide("originUrl", origin.url);
  return async () => {
    await origin.stop();
    await next.stop();
    await stack.stop();
  };
}
