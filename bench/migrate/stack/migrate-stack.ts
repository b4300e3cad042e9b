import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { type RunningRedis, startRedis } from "../../../dev/redis/launcher.ts";
import { type ServedWorker, serveWorker } from "../../http/serve.ts";
import { readWranglerVars } from "../../http/wrangler-vars.ts";
import { type GatewayProcess, startGatewayProcess } from "./gateway-process.ts";
import { requestCounterSource } from "./request-counter.ts";
import { createBenchTenant } from "./tenant-setup.ts";

/** A local edge-cache for the CLI to copy into: its own L2 redis-server, the gateway, the Worker. */
export interface MigrateStack {
  /** The Worker, where the CLI sends everything (--url). */
  url: string;
  adminToken: string;
  tenant: string;
  l2: RunningRedis;
  gateway: GatewayProcess;
  worker: ServedWorker;
  stop(): Promise<void>;
}

/**
 * No maxmemory and no eviction, said explicitly rather than left to redis.conf defaults: an
 * evicted entry would look like a key the copy lost. The harness checks evicted_keys after.
 */
const L2_ARGS = ["--maxmemory", "0", "--maxmemory-policy", "noeviction"];

export async function startMigrateStack(repoRoot: string, scriptPath: string, tenant: string): Promise<MigrateStack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => {});
  };
  try {
    const l2 = await startRedis({ extraArgs: L2_ARGS });
    stops.push(() => l2.stop());
    const gateway = await startGatewayProcess(l2.url);
    stops.push(() => gateway.stop());
    const adminToken = randomBytes(32).toString("hex");
    const worker = await serveWorker(
      "migrate-edge",
      scriptPath,
      {
        ...readWranglerVars(join(repoRoot, "wrangler.toml")),
        // A JSON line per request, piped from workerd into this process and printed, would cost
        // the harness more CPU than the gateway; warnings and errors still show.
        LOG_LEVEL: "warn",
        ADMIN_TOKEN: adminToken,
        TOKEN_PEPPER: randomBytes(32).toString("hex"),
        UPSTASH_REDIS_REST_URL: gateway.url,
        UPSTASH_REDIS_REST_TOKEN: gateway.token,
      },
      { wrapper: requestCounterSource },
    );
    stops.push(() => worker.dispose());
    if (worker.pid === undefined) throw new Error("edge-cache bench: could not tell which workerd process serves the worker");
    await createBenchTenant(worker.url, adminToken, tenant);
    return { url: worker.url, adminToken, tenant, l2, gateway, worker, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
