import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWithWrangler } from "../../bench/bundle/wrangler-build.ts";
import { serveWorker } from "../../bench/http/serve.ts";
import { readWranglerVars } from "../../bench/http/wrangler-vars.ts";

export interface DashboardWorker {
  /** http://127.0.0.1:<port> */
  url: string;
  adminToken: string;
  dispose(): Promise<void>;
}

export interface DashboardWorkerOptions {
  repoRoot: string;
  redis: { url: string; token: string };
  /** Extra vars over wrangler.toml's. */
  vars?: Record<string, string>;
}

/**
 * The Worker exactly as `wrangler deploy` would upload it, served by Miniflare on a loopback port
 * (the benchmark harness's build and serve, reused), with wrangler.toml's vars and fresh secrets.
 */
export async function serveDashboardWorker(options: DashboardWorkerOptions): Promise<DashboardWorker> {
  const outdir = mkdtempSync(join(tmpdir(), "edge-cache-dashboard-"));
  const adminToken = randomBytes(32).toString("hex");
  try {
    const { scriptPath } = buildWithWrangler({ repoRoot: options.repoRoot, outdir });
    const worker = await serveWorker("edge-cache", scriptPath, {
      ...readWranglerVars(join(options.repoRoot, "wrangler.toml")),
      UPSTASH_REDIS_REST_URL: options.redis.url,
      UPSTASH_REDIS_REST_TOKEN: options.redis.token,
      ADMIN_TOKEN: adminToken,
      TOKEN_PEPPER: randomBytes(32).toString("hex"),
      ...options.vars,
    });
    return {
      url: worker.url,
      adminToken,
      dispose: async () => {
        await worker.dispose();
        rmSync(outdir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  }
}
