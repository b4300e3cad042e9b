import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { buildApp } from "../../../functions/app";
import { type TenantId, toTenantId } from "../../../shared/cache/keys";
import { createUpstashRunner, type RedisRunner } from "../../../shared/cache/redis-client";
import { resetServices } from "../../../shared/services";
import { createGatewayControl, type GatewayControl } from "./gateway-control";

/** A tenant id no other test uses, so tests share one Redis without seeing each other. */
export function uniqueTenant(label = "t"): TenantId {
  return toTenantId(`${label}-${crypto.randomUUID().slice(0, 12)}`);
}

export function uniqueToken(): string {
  return `tok_${crypto.randomUUID().replaceAll("-", "")}`;
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
}

export interface TestApp {
  /** Requests go through the full app with this env, waiting for its waitUntil work. */
  request(path: string, init?: RequestInit): Promise<Response>;
  /** Sends `init` with `Authorization: Bearer <tenant token>`. */
  as(tenant: TestTenant, path: string, init?: RequestInit): Promise<Response>;
  tenants: TestTenant[];
  env: Record<string, string>;
  /**
   * The same config in a second, cold isolate: an empty L1 and its own counters, sharing Redis.
   * This app keeps its own services.
   */
  otherIsolate(): TestApp;
}

export interface TestAppOptions {
  tenants?: number;
  /** Vars and secrets over the test defaults. */
  vars?: Record<string, string>;
  /** Run memory-only (no Redis configured). */
  memoryOnly?: boolean;
}

/**
 * A fresh app whose env differs from every other test's (its own tenants and tokens), so it gets
 * its own isolate-level services: an empty L1, its own breaker and stats buffer.
 */
export function testApp(options: TestAppOptions = {}): TestApp {
  const tenants = Array.from({ length: options.tenants ?? 2 }, () => ({ tenant: uniqueTenant(), token: uniqueToken() }));
  return appWith(tenants, options);
}

function appWith(tenants: TestTenant[], options: TestAppOptions): TestApp {
  const testEnv: Record<string, string> = {
    ...(env as unknown as Record<string, string>),
    TENANT_TOKENS: JSON.stringify(Object.fromEntries(tenants.map((t) => [t.token, t.tenant]))),
    L2_TIMEOUT_MS: "500",
    ...options.vars,
  };
  if (options.memoryOnly) {
    delete testEnv.UPSTASH_REDIS_REST_URL;
    delete testEnv.UPSTASH_REDIS_REST_TOKEN;
  }
  const app = buildApp();
  const request = async (path: string, init?: RequestInit) => {
    const ctx = createExecutionContext();
    const response = await app.request(path, init, testEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
  return {
    request,
    as: (tenant, path, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set("Authorization", `Bearer ${tenant.token}`);
      return request(path, { ...init, headers });
    },
    tenants,
    env: testEnv,
    otherIsolate: () => {
      // Services are found by env object first: this app's env keeps its own; the copy starts cold.
      resetServices();
      return appWith(tenants, options);
    },
  };
}

export function cachePath(key: string, query = ""): string {
  return `/v1/cache/${encodeURIComponent(key)}${query}`;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
