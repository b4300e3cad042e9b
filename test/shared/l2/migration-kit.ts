import { env } from "cloudflare:workers";
import { UpstashStore } from "../../../shared/cache/upstash/upstash-store";
import { type BothDatabasesPhase, MigratingStore } from "../../../shared/l2/migration/migrating-store";
import { MigrationCounters } from "../../../shared/l2/migration/migration-counters";
import { CircuitBreaker } from "../../../shared/redis/circuit-breaker";
import { createUpstashRunner, type RedisRunner } from "../../../shared/redis/redis-client";
import { createGatewayControl, type GatewayControl } from "../../helpers/worker/gateway-control";
import { redisRunner } from "../../helpers/worker/test-env";

const codec = { compressionThresholdBytes: 1024 };

/** The second database (its own redis-server behind its own gateway), as a runner. */
export function nextRunner(token: string = env.NEXT_GATEWAY_TOKEN, timeoutMs = 2000): RedisRunner {
  return createUpstashRunner({ url: env.NEXT_GATEWAY_URL, token, timeoutMs, retries: 0 });
}

export function nextGatewayControl(): GatewayControl {
  return createGatewayControl({ controlUrl: env.NEXT_GATEWAY_CONTROL_URL, controlToken: env.NEXT_GATEWAY_CONTROL_TOKEN });
}

export interface MigratingStoreKit {
  store: MigratingStore;
  current: UpstashStore;
  next: UpstashStore;
  counters: MigrationCounters;
  misses: number;
}

/** A migrating L2 over the two test databases; tokens pick gateway scopes (for faults). */
export function migratingStore(
  phase: BothDatabasesPhase,
  tokens: { current?: string; next?: string; timeoutMs?: number } = {},
): MigratingStoreKit {
  const timeoutMs = tokens.timeoutMs ?? 2000;
  const current = new UpstashStore({ runner: redisRunner(tokens.current, timeoutMs), codec });
  const next = new UpstashStore({ runner: nextRunner(tokens.next, timeoutMs), codec });
  const counters = new MigrationCounters();
  const kit: MigratingStoreKit = {
    current,
    next,
    counters,
    misses: 0,
    store: new MigratingStore({
      phase,
      current,
      next,
      counters,
      secondaryBreaker: new CircuitBreaker({ failureThreshold: 2, cooldownMs: 60_000 }),
      onSecondaryMiss: async () => {
        kit.misses++;
      },
    }),
  };
  return kit;
}
