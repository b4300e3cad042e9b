import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { buildApp } from "../../../functions/app";
import { runScheduled } from "../../../functions/scheduled";
import type { GatewayControl } from "../../helpers/worker/gateway-control";
import { gatewayScope, type TestApp, type TestTenant, testApp } from "../../helpers/worker/test-env";

/**
 * Shared by the warming tests: the test origin server (test/helpers/node/origin-server.ts), an
 * app with the warm routes mounted, and a way to fire cron triggers at it. Everything runs
 * under a gateway scope of its own, so Redis requests can be counted per test.
 */

export const ORIGIN_URL = env.ORIGIN_URL;
export const ORIGIN_HOST = new URL(env.ORIGIN_URL).host;

export interface OriginBehaviour {
  body?: string;
  contentType?: string;
  etag?: string | null;
  lastModified?: string;
  status?: number;
  delayMs?: number;
  failTimes?: number;
}

export interface OriginStats {
  total: number;
  paths: Record<string, { hits: number; conditional: number; notModified: number; lastIfNoneMatch?: string; lastIfModifiedSince?: string }>;
}

/** A path prefix no other test uses; its URLs and counts are this test's alone. */
export function originPrefix(): string {
  return `/o-${crypto.randomUUID().slice(0, 12)}/`;
}

export async function setOrigin(prefix: string, behaviour: OriginBehaviour): Promise<void> {
  const response = await fetch(`${ORIGIN_URL}/__origin/routes`, { method: "PUT", body: JSON.stringify({ prefix, ...behaviour }) });
  if (!response.ok) throw new Error(`origin control: ${response.status}`);
  await response.body?.cancel();
}

export async function originStats(prefix: string): Promise<OriginStats> {
  const response = await fetch(`${ORIGIN_URL}/__origin/stats?prefix=${encodeURIComponent(prefix)}`);
  return (await response.json()) as OriginStats;
}

export interface WarmHarness {
  base: TestApp;
  tenant: TestTenant;
  env: Record<string, string>;
  gateway: GatewayControl;
  /** Through the full app, as the tenant (or another token). */
  as(path: string, init?: RequestInit, token?: string): Promise<Response>;
  putPlan(name: string, plan: unknown): Promise<Response>;
  /** Fires a cron trigger at runScheduled and waits for its waitUntil work. */
  cron(cron: string, scheduledTime?: number): Promise<void>;
  /** Deletes every plan this harness created, so later cron runs in the file do not see them. */
  cleanUp(): Promise<void>;
}

export interface WarmHarnessOptions {
  budget?: number;
  vars?: Record<string, string>;
  scopes?: string[];
  originHosts?: string[];
}

export async function warmHarness(options: WarmHarnessOptions = {}): Promise<WarmHarness> {
  const scope = await gatewayScope();
  const base = await testApp({
    tenants: 1,
    tenant: { record: { originHosts: options.originHosts ?? [ORIGIN_HOST] }, ...(options.scopes ? { scopes: options.scopes } : {}) },
    vars: {
      UPSTASH_REDIS_REST_TOKEN: scope.token,
      ALLOW_PRIVATE_ORIGINS: "true",
      WARM_SUBREQUEST_BUDGET: String(options.budget ?? 50),
      STATS_FLUSH_INTERVAL_MS: "3600000",
      ...options.vars,
    },
  });
  const tenant = base.tenants[0] as TestTenant;
  const app = buildApp();
  const plans = new Set<string>();
  const as = async (path: string, init: RequestInit = {}, token = tenant.token) => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    const ctx = createExecutionContext();
    const response = await app.request(path, { ...init, headers }, base.env, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
  return {
    base,
    tenant,
    env: base.env,
    gateway: scope.control,
    as,
    putPlan: (name, plan) => {
      plans.add(name);
      return as(`/v1/warm/plans/${name}`, { method: "PUT", body: JSON.stringify(plan), headers: { "Content-Type": "application/json" } });
    },
    cron: async (cron, scheduledTime = Date.now()) => {
      const ctx = createExecutionContext();
      await runScheduled(createScheduledController({ cron, scheduledTime }), base.env as unknown as Env, ctx);
      await waitOnExecutionContext(ctx);
    },
    cleanUp: async () => {
      for (const name of plans) await as(`/v1/warm/plans/${name}`, { method: "DELETE" });
    },
  };
}

export const json = (body: unknown): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});
