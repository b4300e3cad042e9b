import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Miniflare } from "miniflare";
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS } from "../../../bench/http/serve.ts";
import { createClient, type EdgeCacheClient } from "../../../client/index.ts";
import { startLocalStack } from "../../../dev/stack.ts";
import { runCli } from "../../../tools/migrate/cli.ts";
import { bundledWorker } from "../../helpers/node/worker-script.ts";

const REPO = resolve(import.meta.dirname, "../../..");

/**
 * The bundled Worker served by Miniflare on a loopback port, with an L2 of its own (redis-server
 * behind the gateway), for the CLIs' end-to-end tests: migrations write thousands of keys, which
 * would slow every SCAN of the run's shared Redis that other tests page through.
 */
export async function startWorker(adminToken: string): Promise<{ url: string; dispose(): Promise<void> }> {
  const l2 = await startLocalStack();
  const script = await bundledWorker("migrate-e2e-worker.js");
  const mf = new Miniflare({
    modulesRoot: REPO,
    modules: [{ type: "ESModule", path: join(REPO, "migrate-e2e-worker.js"), contents: script }],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    bindings: {
      UPSTASH_REDIS_REST_URL: l2.gateway.url,
      UPSTASH_REDIS_REST_TOKEN: l2.gateway.token,
      ADMIN_TOKEN: adminToken,
      TOKEN_PEPPER: `pepper-${crypto.randomUUID()}`,
      LOG_LEVEL: "warn",
      MAX_VALUE_BYTES: String(64 * 1024),
    },
    host: "127.0.0.1",
    port: 0,
  });
  const url = (await mf.ready).origin;
  return {
    url,
    dispose: async () => {
      await mf.dispose();
      await l2.stop();
    },
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `npm run migrate -- argv` in this process against `url`; `signal` stands in for Ctrl-C. */
export async function migrate(
  url: string,
  adminToken: string,
  argv: string[],
  options: { signal?: AbortSignal; windowKeys?: number; onStderr?: (text: string) => void } = {},
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    [...argv, "--url", url],
    { EDGE_CACHE_ADMIN_TOKEN: adminToken },
    {
      stdout: { write: (text: string) => out.push(text) },
      stderr: {
        isTTY: false,
        write: (text: string) => {
          err.push(text);
          options.onStderr?.(text);
        },
      },
      signal: options.signal ?? new AbortController().signal,
      retry: { baseDelayMs: 10, maxDelayMs: 50 },
      ...(options.windowKeys !== undefined && { windowKeys: options.windowKeys }),
    },
  );
  return { code, stdout: out.join(""), stderr: err.join("") };
}

/** A tenant's client with a token of every scope, issued with the admin API. */
export async function tenantClient(url: string, adminToken: string, tenant: string): Promise<EdgeCacheClient> {
  const response = await fetch(`${url}/admin/tenants/${tenant}/tokens`, {
    method: "POST",
    headers: { Authorization: `Bearer ${adminToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ scopes: ["read", "write", "manage"] }),
  });
  if (response.status !== 201) throw new Error(`test setup: token for ${tenant}: ${response.status} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  return createClient({ baseUrl: url, token });
}

export async function tenantExists(url: string, adminToken: string, tenant: string): Promise<boolean> {
  const response = await fetch(`${url}/admin/tenants/${tenant}`, { headers: { Authorization: `Bearer ${adminToken}` } });
  await response.body?.cancel();
  return response.status === 200;
}

export const stateDir = () => mkdtempSync(join(tmpdir(), "edge-cache-migrate-"));
