import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { type LocalStack, startLocalStack } from "../../../dev/stack.ts";
import { createGatewayControl, type GatewayControl } from "../../../test/helpers/worker/gateway-control.ts";
import { readWranglerVars } from "../../http/wrangler-vars.ts";
import { type OriginProcess, startOriginProcess } from "./origin-process.ts";
import { type ScaleWorker, startScaleWorker, type WorkerRole } from "./scale-worker.ts";
import { readWranglerQueues } from "./wrangler-queues.ts";

export interface ScaleStack {
  local: LocalStack;
  /** Where tenants' warm plans fetch from (loopback: the worker runs with ALLOW_PRIVATE_ORIGINS). */
  origin: OriginProcess;
  worker: ScaleWorker;
  /** Counters (and faults) of each role's own gateway scope. */
  scopes: Record<WorkerRole, GatewayControl>;
  adminToken: string;
  stop(): Promise<void>;
}

export interface ScaleStackOptions {
  /** The bundle built by `wrangler deploy --dry-run`. */
  scriptPath: string;
  /** Vars over wrangler.toml's, e.g. a longer stats flush interval. */
  vars?: Record<string, string>;
  onLogLine?: (line: string) => void;
}

const ROLES: readonly WorkerRole[] = ["edge", "cron", "cronQueue", "consumer"];

/** redis-server and the gateway, a local origin, and the worker's roles, each on its own gateway scope. */
export async function startScaleStack(repoRoot: string, options: ScaleStackOptions): Promise<ScaleStack> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step().catch(() => {});
  };
  try {
    // Idle Redis connections for every role and the noisy scenario's concurrency, so the gateway
    // does not open and close connections in bursts and measure that instead.
    const local = await startLocalStack({ gateway: { maxIdleConnections: 64 } });
    stops.push(() => local.stop());
    const origin = await startOriginProcess();
    stops.push(() => origin.stop());
    const main = createGatewayControl({ controlUrl: local.gateway.controlUrl, controlToken: local.gateway.controlToken });
    const scoped = await Promise.all(ROLES.map(async (role) => [role, await main.createScope()] as const));
    const adminToken = randomBytes(32).toString("hex");
    const worker = await startScaleWorker({
      scriptPath: options.scriptPath,
      bindings: {
        ...readWranglerVars(join(repoRoot, "wrangler.toml")),
        ALLOW_PRIVATE_ORIGINS: "true",
        ...options.vars,
        ADMIN_TOKEN: adminToken,
        TOKEN_PEPPER: randomBytes(32).toString("hex"),
      },
      gatewayUrl: local.gateway.url,
      scopeTokens: Object.fromEntries(scoped.map(([role, scope]) => [role, scope.token])) as Record<WorkerRole, string>,
      queues: readWranglerQueues(join(repoRoot, "wrangler.toml")),
      ...(options.onLogLine ? { onLogLine: options.onLogLine } : {}),
    });
    stops.push(() => worker.dispose());
    const scopes = Object.fromEntries(scoped.map(([role, scope]) => [role, scope.control])) as Record<WorkerRole, GatewayControl>;
    return { local, origin, worker, scopes, adminToken, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
