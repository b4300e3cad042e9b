import { env } from "cloudflare:workers";
import { MemoryStore } from "../../../shared/cache/memory-store";
import { TieredStore } from "../../../shared/cache/tiered-store";
import { UpstashStore } from "../../../shared/cache/upstash/upstash-store";
import { CircuitBreaker } from "../../../shared/redis/circuit-breaker";
import { describeStoreContract } from "../../helpers/worker/store-contract";
import { redisRunner } from "../../helpers/worker/test-env";

const codec = { compressionThresholdBytes: 1024 };

describeStoreContract("memory", () => new MemoryStore({ budgetBytes: 1024 * 1024 }));

describeStoreContract(
  "upstash (real Redis through the gateway)",
  () => new UpstashStore({ runner: redisRunner(env.UPSTASH_REDIS_REST_TOKEN), codec }),
);

describeStoreContract(
  "tiered (L1 + Upstash)",
  () =>
    new TieredStore({
      l1: new MemoryStore({ budgetBytes: 1024 * 1024 }),
      l2: new UpstashStore({ runner: redisRunner(), codec }),
      breaker: new CircuitBreaker(),
      l1MaxTtlMs: 1000,
      l1GraceMs: 60_000,
    }),
);

describeStoreContract(
  "tiered, memory-only",
  () =>
    new TieredStore({
      l1: new MemoryStore({ budgetBytes: 1024 * 1024 }),
      breaker: new CircuitBreaker(),
      l1MaxTtlMs: 1000,
      l1GraceMs: 60_000,
    }),
);
