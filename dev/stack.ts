import type { GatewayOptions } from "./gateway/options.ts";
import { createGateway, type Gateway } from "./gateway/server.ts";
import { type RedisLauncherOptions, type RunningRedis, startRedis } from "./redis/launcher.ts";

export interface LocalStackOptions {
  /** How redis-server is started. @default a throwaway server on a free port, no persistence */
  redis?: RedisLauncherOptions;
  /** Gateway settings; its Redis is always the one just started. @default random tokens, free port */
  gateway?: Omit<GatewayOptions, "redisUrl">;
}

export interface LocalStack {
  redis: RunningRedis;
  gateway: Gateway;
  /** Stops the gateway, then Redis. Safe to call twice. */
  stop(): Promise<void>;
}

/** A local stand-in for Upstash: redis-server plus the REST gateway in front of it. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const redis = await startRedis(options.redis);
  let gateway: Gateway;
  try {
    gateway = await createGateway({ ...options.gateway, redisUrl: redis.url });
  } catch (error) {
    await redis.stop();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    redis,
    gateway,
    stop() {
      stopping ??= (async () => {
        try {
          await gateway.stop();
        } finally {
          await redis.stop();
        }
      })();
      return stopping;
    },
  };
}
