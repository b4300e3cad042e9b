import type { TestProject } from "vitest/node";
import { isRedisServerAvailable } from "../../../dev/redis/availability.ts";
import { startLocalStack } from "../../../dev/stack.ts";
import { startOriginServer } from "./origin-server.ts";

/**
 * One redis-server and one gateway for the whole run, shared by both projects. Tests isolate
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
  // Origins for warming tests (test/helpers/node/origin-server.ts).
  const origin = await startOriginServer();
  project.provide("originUrl", origin.url);
  return async () => {
    await origin.stop();
    await stack.stop();
  };
}
