import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { buildApp } from "../../../functions/app";
import { type TenantId, toTenantId } from "../../../shared/cache/keys";
import { createUpstashRunner, type RedisRunner } from "../../../shared/redis/redis-client";
import { resetServices } from "../../../shared/services";
import { createGatewayControl, type GatewayControl } from "./gateway-control";

/** A tenant id no other test uses, so tests share one Redis without seeing each other. */
export function uniqueTenant(label = "t"): TenantId {
  return toTenantId(`${label}-${crypto.randomUUID().slice(0, 12)}`);
}

export function gatewayControl(): GatewayControl {
  return createGatewayControl({ controlUrl: env.GATEWAY_CONTROL_URL, controlToken: env.GATEWAY_CONTROL_TOKEN });
}

/** A gateway scope: its own data token, faults and counters. */
export async function gatewayScope(): Promise<{ token: string; control: GatewayControl }> {
  return gatewayControl().createScope();
}

export function redisRunner(token: string = env.UPSTASH_REDIS_REST_TOKEN, timeoutMs = 2000): RedisRunner {
  return createUpstashRunner({ url: env.UPSTASH_REDIS_REST_URL, token, timeoutMs, retries: 0 });
}

export interface TestTenant {
  tenant: TenantId;
  token: string;
  tokenId: string;
}

export interface TestApp {
  /** Requests go through the full app with this env, waiting for its waitUntil work. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Sends `init` with `Authorization: Bearer <tenant token>`. */
  as(tenant: TestTenant | { token: string }, path: string, init?: RequestInit): Promise<Response>;
  /** Sends `init` with the admin token. */
  admin(path: string, init?: RequestInit): Promise<Response>;
  /** A tenant created through the admin API, with a token of the given scopes. */
  addTenant(options?: TenantOptions): Promise<TestTenant>;
  /** Another token for an existing tenant. */
  issueToken(tenant: TestTenant, body: Record<string, unknown>): Promise<TestTenant>;
  tenants: TestTenant[];
  env: Record<string, string>;
  /**
   * The same config in a second, cold isolate: an empty L1 and its own counters, sharing Redis.
   * This app keeps its own services.
   */
  otherIsolate(): TestApp;
}

export interface TenantOptions {
  scopes?: string[];
  /** Extra fields of the tenant record: limits, allowedOrigins, originHosts. */
  record?: Record<string, unknown>;
}

export interface TestAppOptions {
  tenants?: number;
  tenant?: TenantOptions;
  /** Vars and secrets over the test defaults. */
  vars?: Record<string, string>;
  /** Run memory-only (no Redis configured). */
  memoryOnly?: boolean;
}

export const ADMIN_TOKEN = env.ADMIN_TOKEN;
const ALL_SCOPES = ["read", "write", "manage"];

const json = (body: unknown): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});

/**
 * A fresh app with its own tenants, created through the admin API, and its own isolate-level
 * services (an empty L1, its own breaker and stats buffer) unless it shares an env with another.
 */
export async function testApp(options: TestAppOptions = {}): Promise<TestApp> {
  const app = appWith([], options, buildEnv(options));
  for (let i = 0; i < (options.tenants ?? 2); i++) app.tenants.push(await app.addTenant(options.tenant));
  return app;
}

function buildEnv(options: TestAppOptions): Record<string, string> {
  const testEnv: Record<string, string> = {
    ...(env as unknown as Record<string, string>),
    L2_TIMEOUT_MS: "500",
    // Refresh ahead sends its checks behind responses, and the test app waits for that work: off
    // unless a test is about it, so request counts and timings stay each test's own.
    L1_REFRESH_AHEAD_MS: "0",
    // A distinct value per app, so each app gets services of its own.
    TOKEN_PEPPER: `pepper-${crypto.randomUUID()}`,
    ...options.vars,
  };
  if (options.memoryOnly) {
    delete testEnv.UPSTASH_REDIS_REST_URL;
    delete testEnv.UPSTASH_REDIS_REST_TOKEN;
  }
  return testEnv;
}

function appWith(tenants: TestTenant[], options: TestAppOptions, testEnv: Record<string, string>): TestApp {
  const app = buildApp();
  const request = async (path: string, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const response = await app.request(path, init, testEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
  const withBearer = (token: string, path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    return request(path, { ...init, headers });
  };
  const testApp: TestApp = {
    request,
    as: (tenant, path, init) => withBearer(tenant.token, path, init),
    admin: (path, init) => withBearer(ADMIN_TOKEN, path, init),
    async addTenant(tenantOptions = {}) {
      const tenant = uniqueTenant();
      const created = await testApp.admin("/admin/tenants", json({ id: tenant, ...tenantOptions.record }));
      if (created.status !== 201) throw new Error(`test setup: tenant not created (${created.status}): ${await created.text()}`);
      return testApp.issueToken({ tenant, token: "", tokenId: "" }, { scopes: tenantOptions.scopes ?? ALL_SCOPES });
    },
    async issueToken(tenant, body) {
      const issued = await testApp.admin(`/admin/tenants/${tenant.tenant}/tokens`, json(body));
      if (issued.status !== 201) throw new Error(`test setup: token not issued (${issued.status}): ${await issued.text()}`);
      const { token, id } = (await issued.json()) as { token: string; id: string };
      return { tenant: tenant.tenant, token, tokenId: id };
    },
    tenants,
    env: testEnv,
    otherIsolate: () => {
      // Services are found by env object first: this app's env keeps its own; the copy starts cold.
      resetServices();
      return appWith(tenants, options, { ...testEnv });
    },
  };
  return testApp;
}

export function cachePath(key: string, query = ""): string {
  return `/v1/cache/${encodeURIComponent(key)}${query}`;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
