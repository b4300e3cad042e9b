import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { type LocalStack, startLocalStack } from "../../dev/stack.ts";
import { createGatewayControl, type GatewayControl } from "../../test/helpers/worker/gateway-control.ts";
import { createAdminClient } from "../../tools/admin/admin-client.ts";
import { buildWorkers } from "./build.ts";
import { type ServedWorker, serveWorker } from "./serve.ts";
import { readWranglerVars } from "./wrangler-vars.ts";

/** Every worker the scenarios target. Each Redis-backed one has its own gateway scope. */
export type WorkerName = "limit" | "limitHeaders" | "naive" | "peer" | "edge" | "edgeRevalidate" | "edgeNoL1";

export interface Target {
  worker: ServedWorker;
  /** Faults and counters of this worker's gateway scope; absent for the bare route. */
  control?: GatewayControl;
}

export interface Fixture {
  stack: LocalStack;
  targets: Record<WorkerName, Target>;
  /** Another edge-cache build served like `edge` (FixtureOptions.baselineScript), for A/B runs. */
  baseline?: Target;
  /** The benchmark tenant, created through the admin API. */
  tenant: string;
  /** `Authorization` for edge-cache's /v1 routes; sent to every worker so requests are identical. */
  authorization: string;
  /** `Authorization` of a second tenant, whose prefix invalidations the seed fills (Scenario.tenant). */
  prefixedAuthorization: string;
  stop(): Promise<void>;
}

const TENANT = "bench";
const PREFIXED_TENANT = "bench-prefixed";

/**
 * edge-cache variants, beside the wrangler.toml defaults:
 * - edgeRevalidate: `L1_MAX_TTL_SECONDS=0`, so every GET asks Redis (a conditional revalidation
 *   that returns no payload when the copy is current): the path a copy past its 1 s takes.
 * - edgeNoL1: an L1 budget of 1 byte, which no entry fits, so every GET reads the full entry from
 *   Redis and decodes it: edge-cache with no memory tier at all.
 */
const EDGE_OVERRIDES = {
  edge: {},
  edgeRevalidate: { L1_MAX_TTL_SECONDS: "0" },
  edgeNoL1: { L1_BUDGET_BYTES: "1" },
} satisfies Record<"edge" | "edgeRevalidate" | "edgeNoL1", Record<string, string>>;

export interface FixtureOptions {
  log: (line: string) => void;
  /** Serve an unminified edge-cache build, for readable CPU profiles. @default false */
  unminified?: boolean;
  /** Open the inspector of one worker on this port (profiling). */
  inspect?: { worker: WorkerName; port: number };
  /**
   * An edge-cache bundle to serve beside the current one with the same bindings and secrets
   * (an earlier commit's `wrangler deploy --dry-run` output under the repo) as one of the
   * edge-cache variants, so a change can be compared with it in one run on one machine state.
   */
  baseline?: { script: string; variant: EdgeVariant };
  /** An entry module served in front of every edge-cache bundle and the naive one (serveWorker's `wrapper`). */
  wrapper?: (bundleFile: string) => string;
}

type EdgeVariant = keyof typeof EDGE_OVERRIDES;

export async function startFixture(repoRoot: string, options: FixtureOptions): Promise<Fixture> {
  const { log } = options;
  const started: { dispose(): Promise<void> }[] = [];
  // More idle Redis connections than the gateway's default 16: at 32 concurrent requests it would
  // otherwise open and close connections on every burst, and measure that instead.
  const stack = await startLocalStack({ gateway: { maxIdleConnections: 64 } });
  const stop = async () => {
    for (const item of started.reverse()) await item.dispose().catch(() => {});
    await stack.stop();
  };
  try {
    log("building workers (wrangler deploy --dry-run, esbuild)");
    const built = await buildWorkers(repoRoot, join(repoRoot, "bench/.build"), { unminified: options.unminified ?? false });
    const mainControl = createGatewayControl({ controlUrl: stack.gateway.controlUrl, controlToken: stack.gateway.controlToken });
    const adminToken = randomBytes(32).toString("hex");
    const secrets = { ADMIN_TOKEN: adminToken, TOKEN_PEPPER: randomBytes(32).toString("hex"), LOG_LEVEL: "silent" };
    const vars = readWranglerVars(join(repoRoot, "wrangler.toml"));

    const serve = async (
      name: WorkerName,
      scriptPath: string,
      bindings: Record<string, string>,
      scoped: boolean,
      wrapper?: (bundleFile: string) => string,
    ): Promise<Target> => {
      const scope = scoped ? await mainControl.createScope() : undefined;
      const redis: Record<string, string> = scope
        ? { UPSTASH_REDIS_REST_URL: stack.gateway.url, UPSTASH_REDIS_REST_TOKEN: scope.token }
        : {};
      const inspectorPort = options.inspect?.worker === name ? options.inspect.port : undefined;
      const worker = await serveWorker(
        name,
        scriptPath,
        { ...bindings, ...redis },
        {
          ...(inspectorPort ? { inspectorPort } : {}),
          ...(wrapper ? { wrapper } : {}),
        },
      );
      started.push(worker);
      return scope ? { worker, control: scope.control } : { worker };
    };
    // An edge-cache build as one of its variants, with the deployment's vars and the run's secrets.
    const serveEdgeCache = (name: WorkerName, scriptPath: string, variant: EdgeVariant) =>
      serve(name, scriptPath, { ...vars, ...secrets, ...EDGE_OVERRIDES[variant] }, true, options.wrapper);
    const targets: Record<WorkerName, Target> = {
      limit: await serve("limit", built.limit, {}, false),
      limitHeaders: await serve("limitHeaders", built.limitHeaders, {}, false),
      naive: await serve("naive", built.naive, {}, true, options.wrapper),
      peer: await serve("peer", built.peer, {}, true),
      edge: await serveEdgeCache("edge", built.edgeCache, "edge"),
      edgeRevalidate: await serveEdgeCache("edgeRevalidate", built.edgeCache, "edgeRevalidate"),
      edgeNoL1: await serveEdgeCache("edgeNoL1", built.edgeCache, "edgeNoL1"),
    };

    const baseline = options.baseline
      ? await serveEdgeCache(options.baseline.variant, options.baseline.script, options.baseline.variant)
      : undefined;

    // Tenants live in Redis and tokens are digested with the shared pepper: one tenant and one
    // token, issued through any edge-cache worker, hold for all three.
    const admin = createAdminClient({ url: targets.edge.worker.url, adminToken });
    await admin.createTenant({ id: TENANT, name: "benchmark" });
    const issued = await admin.issueToken(TENANT, { name: "bench", scopes: ["read", "write"] });
    await admin.createTenant({ id: PREFIXED_TENANT, name: "benchmark, with prefix invalidations" });
    const prefixed = await admin.issueToken(PREFIXED_TENANT, { name: "bench", scopes: ["read", "write"] });
    return {
      stack,
      targets,
      ...(baseline ? { baseline } : {}),
      tenant: TENANT,
      authorization: `Bearer ${issued.token}`,
      prefixedAuthorization: `Bearer ${prefixed.token}`,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
