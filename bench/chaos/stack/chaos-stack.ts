import { join } from "node:path";
import { createGateway, type Gateway } from "../../../dev/gateway/server.ts";
import { createGatewayControl, type GatewayControl } from "../../../test/helpers/worker/gateway-control.ts";
import { buildWithWrangler } from "../../bundle/wrangler-build.ts";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.ts";
import { type RestartableRedis, startPersistentRedis } from "./persistent-redis.ts";
import { type InspectableWorker, serveInspectableWorker } from "./serve-inspectable.ts";
import { generateSecrets, ISOLATE_V8_FLAGS, workerBindings } from "./worker-config.ts";
import { findWorkerdPids } from "./workerd-process.ts";

export interface ChaosStack {
  redis: RestartableRedis;
  gateway: Gateway;
  /** Faults and counters of the worker's own gateway scope. */
  faults: GatewayControl;
  /** Faults after a command ran, between the worker and the gateway. */
  proxy: FaultProxy;
  worker: InspectableWorker;
  adminToken: string;
  /** The workerd process serving the worker, for its RSS. */
  workerdPid: number | undefined;
  stop(): Promise<void>;
}

/**
 * redis-server (append-only, fsync always) → the Upstash-compatible gateway → a fault proxy → the worker as
 * `wrangler deploy --dry-run` builds it (the benchmark harness's build module), served by Miniflare
 * directly with its inspector open (not `wrangler dev`, whose proxy would be measured instead).
 */
export async function startChaosStack(repoRoot: string, log: (line: string) => void): Promise<ChaosStack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => {});
  };
  try {
    const redis = await startPersistentRedis();
    stops.push(() => redis.stop());
    // More idle connections than the default 16: the run keeps ~16 requests in flight.
    const gateway = await createGateway({ redisUrl: redis.url, maxIdleConnections: 48 });
    stops.push(() => gateway.stop());
    const scope = await createGatewayControl({ controlUrl: gateway.controlUrl, controlToken: gateway.controlToken }).createScope();
    const proxy = await startFaultProxy(gateway.url);
    stops.push(() => proxy.stop());

    log("building the worker (wrangler deploy --dry-run)");
    const build = buildWithWrangler({ repoRoot, outdir: join(repoRoot, "bench/.build/chaos") });
    const secrets = generateSecrets();
    process.env.MINIFLARE_WORKERD_V8_FLAGS = ISOLATE_V8_FLAGS.join(" ");
    const worker = await serveInspectableWorker(
      "edge-cache-chaos",
      build.scriptPath,
      workerBindings(repoRoot, { url: proxy.url, token: scope.token }, secrets),
    );
    stops.push(() => worker.dispose());
    const workerdPids = findWorkerdPids();
    return {
      redis,
      gateway,
      faults: scope.control,
      proxy,
      worker,
      adminToken: secrets.ADMIN_TOKEN,
      workerdPid: workerdPids.length === 1 ? workerdPids[0] : undefined,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
