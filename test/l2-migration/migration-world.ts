import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";
import { Miniflare } from "miniflare";
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS } from "../../bench/http/serve.ts";
import { type LocalStack, startLocalStack } from "../../dev/stack.ts";
import type { BackfillState } from "../../shared/l2/migration/backfill-state.ts";
import { bundledWorker } from "../helpers/node/worker-script.ts";
import { createGatewayControl, type GatewayControl } from "../helpers/worker/gateway-control.ts";

const REPO = resolve(import.meta.dirname, "../..");

export type Phase = "off" | "dual-write" | "read-new" | "new-only";

/**
 * One deployment moving between two L2 databases: two redis-servers, each behind its own gateway,
 * and the bundled Worker in Miniflare. `deploy(phase)` stands in for a redeploy with a new
 * L2_MIGRATION_PHASE: fresh isolates, the same secrets and databases. Nothing here is shared
 * with other tests, so the backfill's walk over "everything" is this world's data only.
 */
export interface MigrationWorld {
  url: string;
  adminToken: string;
  phase: Phase;
  deploy(phase: Phase, vars?: Record<string, string>): Promise<void>;
  request(path: string, init?: RequestInit & { token?: string }): Promise<Response>;
  admin(path: string, init?: RequestInit): Promise<Response>;
  /** Fires the cron trigger and waits for it (the backfill runs in it). */
  tick(): Promise<void>;
  /** Ticks until /admin/l2-migration says the backfill is done; returns its state. */
  backfillUntilDone(maxTicks?: number): Promise<BackfillView>;
  migrationStatus(): Promise<StatusView>;
  redis: { current: Redis; next: Redis };
  gateways: { current: GatewayControl; next: GatewayControl };
  dispose(): Promise<void>;
}

export type BackfillView = BackfillState;

export interface StatusView {
  phase: string;
  backfill: BackfillView | null;
  isolate: { fallbacks: number; promotions: number; secondaryMisses: number } | null;
}

export async function startMigrationWorld(baseVars: Record<string, string> = {}): Promise<MigrationWorld> {
  const stacks: { current: LocalStack; next: LocalStack } = { current: await startLocalStack(), next: await startLocalStack() };
  const adminToken = randomBytes(24).toString("hex");
  const secrets = { ADMIN_TOKEN: adminToken, TOKEN_PEPPER: randomBytes(32).toString("hex") };
  const script = await bundledWorker("l2-migration-worker.js");
  const options = (phase: Phase, vars: Record<string, string>) => ({
    modulesRoot: REPO,
    modules: [{ type: "ESModule" as const, path: join(REPO, "l2-migration-worker.js"), contents: script }],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: COMPATIBILITY_FLAGS,
    bindings: {
      UPSTASH_REDIS_REST_URL: stacks.current.gateway.url,
      UPSTASH_REDIS_REST_TOKEN: stacks.current.gateway.token,
      UPSTASH_REDIS_REST_URL_NEXT: stacks.next.gateway.url,
      UPSTASH_REDIS_REST_TOKEN_NEXT: stacks.next.gateway.token,
      L2_MIGRATION_PHASE: phase,
      LOG_LEVEL: "error",
      L2_TIMEOUT_MS: "400",
      L2_RETRIES: "0",
      WARM_SUBREQUEST_BUDGET: "200",
      ...secrets,
      ...baseVars,
      ...vars,
    },
    host: "127.0.0.1",
    port: 0,
  });
  const mf = new Miniflare(options("off", {}));
  let url = (await mf.ready).origin;
  const control = (stack: LocalStack) =>
    createGatewayControl({ controlUrl: stack.gateway.controlUrl, controlToken: stack.gateway.controlToken });
  const redis = { current: new Redis(stacks.current.redis.url), next: new Redis(stacks.next.redis.url) };

  const world: MigrationWorld = {
    url,
    adminToken,
    phase: "off",
    async deploy(phase, vars = {}) {
      await mf.setOptions(options(phase, vars));
      url = (await mf.ready).origin;
      world.url = url;
      world.phase = phase;
    },
    request(path, init = {}) {
      const { token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token) headers.set("Authorization", `Bearer ${token}`);
      return fetch(`${url}${path}`, { ...rest, headers });
    },
    admin(path, init = {}) {
      return world.request(path, { ...init, token: adminToken });
    },
    async tick() {
      const worker = await mf.getWorker();
      await worker.scheduled({ cron: "* * * * *", scheduledTime: new Date() });
    },
    async backfillUntilDone(maxTicks = 20) {
      for (let i = 0; i < maxTicks; i++) {
        await world.tick();
        const status = await world.migrationStatus();
        if (status.backfill?.done) return status.backfill;
      }
      throw new Error(`the backfill was not done after ${maxTicks} ticks`);
    },
    async migrationStatus() {
      const response = await world.admin("/admin/l2-migration");
      if (response.status !== 200) throw new Error(`GET /admin/l2-migration: ${response.status}`);
      return (await response.json()) as StatusView;
    },
    redis,
    gateways: { current: control(stacks.current), next: control(stacks.next) },
    async dispose() {
      redis.current.disconnect();
      redis.next.disconnect();
      await mf.dispose();
      await stacks.next.stop();
      await stacks.current.stop();
    },
  };
  return world;
}

export const jsonBody = (body: unknown): RequestInit => ({
  method: "POST",
  body: JSON.stringify(body),
  headers: { "Content-Type": "application/json" },
});

/** A tenant created through the admin API and a token of the given scopes for it. */
export async function createTenant(
  world: MigrationWorld,
  id: string,
  scopes = ["read", "write", "manage"],
): Promise<{ token: string; id: string }> {
  const created = await world.admin("/admin/tenants", jsonBody({ id }));
  if (created.status !== 201) throw new Error(`tenant ${id}: ${created.status} ${await created.text()}`);
  return issueToken(world, id, scopes);
}

export async function issueToken(
  world: MigrationWorld,
  tenant: string,
  scopes = ["read", "write", "manage"],
): Promise<{ token: string; id: string }> {
  const issued = await world.admin(`/admin/tenants/${tenant}/tokens`, jsonBody({ scopes }));
  if (issued.status !== 201) throw new Error(`token for ${tenant}: ${issued.status} ${await issued.text()}`);
  return (await issued.json()) as { token: string; id: string };
}

/** PUT with `query` as the write's options (ttl, swr, tags). */
export async function put(world: MigrationWorld, token: string, key: string, value: string, query = "") {
  return world.request(`/v1/cache/${encodeURIComponent(key)}${query ? `?${query}` : ""}`, {
    method: "PUT",
    body: value,
    token,
    headers: { "Content-Type": "text/plain" },
  });
}

export async function getText(world: MigrationWorld, token: string, key: string): Promise<{ status: number; body: string }> {
  const response = await world.request(`/v1/cache/${encodeURIComponent(key)}`, { token });
  return { status: response.status, body: await response.text() };
}
