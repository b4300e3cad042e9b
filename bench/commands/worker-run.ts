import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { Miniflare } from "miniflare";
import { bundledWorker } from "../../test/helpers/node/worker-script.ts";
import type { GatewayControl } from "../../test/helpers/worker/gateway-control.ts";
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS } from "../http/serve.ts";

const REPO = resolve(import.meta.dirname, "../..");

export interface WorkerRunOptions {
  gatewayUrl: string;
  scope: { token: string; control: GatewayControl };
  hotKeys: number;
  seconds: number;
  concurrency: number;
  refreshAhead: boolean;
  /** A rate limit on the tenant (checked in Redis on every request), or none. */
  rateLimited: boolean;
}

export interface WorkerRunResult {
  gets: number;
  commands: number;
  commandsPer1000Gets: number;
  /** Commands by name, as the gateway counted them. */
  byName: Record<string, number>;
}

/**
 * The whole Worker in one Miniflare isolate, its L2 a gateway scope of its own: every command a
 * served GET triggers is counted (the read, token re-verification, the stats flush, the rate
 * limit), not only the store's.
 */
export async function runWorkerWorkload(options: WorkerRunOptions): Promise<WorkerRunResult> {
  const adminToken = randomBytes(24).toString("hex");
  const mf = new Miniflare({
    modulesRoot: REPO,
    modules: [{ type: "ESModule", path: join(REPO, "commands-worker.js"), contents: await bundledWorker("commands-worker.js") }],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    bindings: {
      UPSTASH_REDIS_REST_URL: options.gatewayUrl,
      UPSTASH_REDIS_REST_TOKEN: options.scope.token,
      ADMIN_TOKEN: adminToken,
      TOKEN_PEPPER: randomBytes(32).toString("hex"),
      LOG_LEVEL: "error",
      ...(options.refreshAhead ? {} : { L1_REFRESH_AHEAD_MS: "0" }),
    },
    host: "127.0.0.1",
    port: 0,
  });
  const url = (await mf.ready).origin;
  const call = (path: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${init.token ?? adminToken}`);
    if (init.body) headers.set("Content-Type", "application/json");
    return fetch(`${url}${path}`, { ...init, headers });
  };
  try {
    const tenant = `bench-${randomBytes(4).toString("hex")}`;
    const record = options.rateLimited ? { limits: { rateLimit: { requests: 1_000_000, windowSeconds: 60 } } } : {};
    const created = await call("/admin/tenants", { method: "POST", body: JSON.stringify({ id: tenant, ...record }) });
    if (created.status !== 201) throw new Error(`tenant not created: ${created.status} ${await created.text()}`);
    const issued = (await (
      await call(`/admin/tenants/${tenant}/tokens`, { method: "POST", body: JSON.stringify({ scopes: ["read", "write"] }) })
    ).json()) as {
      token: string;
    };
    for (let i = 0; i < options.hotKeys; i += 100) {
      const set = Array.from({ length: Math.min(100, options.hotKeys - i) }, (_, j) => ({ key: `hot/${i + j}`, value: "v".repeat(256) }));
      await (await call("/v1/batch", { method: "POST", token: issued.token, body: JSON.stringify({ set }) })).text();
    }
    let gets = 0;
    let counting = false;
    const run = async (until: number) => {
      while (Date.now() < until) {
        const response = await call(`/v1/cache/hot/${Math.floor(Math.random() * options.hotKeys)}`, { token: issued.token });
        await response.arrayBuffer();
        if (counting && response.status === 200) gets++;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, () => run(Date.now() + 2000)));
    await options.scope.control.resetCounters();
    counting = true;
    await Promise.all(Array.from({ length: options.concurrency }, () => run(Date.now() + options.seconds * 1000)));
    counting = false;
    const counters = await options.scope.control.counters();
    return {
      gets,
      commands: counters.commands.total,
      commandsPer1000Gets: Math.round((counters.commands.total / Math.max(1, gets)) * 1000 * 100) / 100,
      byName: counters.commands.byName,
    };
  } finally {
    await mf.dispose();
  }
}
